/**
 * The `Host` values the dashboard answers to. A DNS-rebinding page reaches the loopback port under its own name
 * (`evil.example:8080`); answering only to the loopback names, with the port actually bound, shuts it out.
 */
export function allowedHosts(port: number, configuredHost?: string): ReadonlySet<string> {
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
  // An address the user wrote out (e.g. a LAN address) is reachable under that address too; a wildcard is not
  // a name anyone can type, so it adds nothing.
  if (configuredHost && !isWildcard(configuredHost)) {
    hosts.add(configuredHost.includes(':') ? `[${configuredHost}]:${port}` : `${configuredHost}:${port}`);
  }
  return new Set([...hosts].map((h) => h.toLowerCase()));
}

export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '';
}

/** Exact match, case-insensitive (host names are), no default port: a missing or repeated Host is refused. */
export function isAllowedHost(header: string | string[] | undefined, allowed: ReadonlySet<string>): boolean {
  return typeof header === 'string' && allowed.has(header.toLowerCase());
}
