/** The origins of the dashboard's own page; every state change must come from one of them. */
export function allowedOrigins(port: number): ReadonlySet<string> {
  return new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
}

/**
 * Exact comparison, no normalisation: a browser sends the origin in exactly this form. A missing Origin is
 * refused too: the dashboard's page always sends one with a POST, a cross-site form may not.
 */
export function isAllowedOrigin(header: string | string[] | undefined, allowed: ReadonlySet<string>): boolean {
  return typeof header === 'string' && allowed.has(header);
}
