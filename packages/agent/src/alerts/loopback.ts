const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Whether a URL's host is this machine's loopback: 127.0.0.0/8, ::1 or `localhost`. The WHATWG URL parser has
 * already normalised spellings such as `127.1`, `0x7f.0.0.1` or `[0:0::1]`, so only the canonical forms are
 * checked here. Names other than `localhost` are refused: what they resolve to is not ours to promise.
 */
export function isLoopbackUrl(text: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  const host = url.hostname.toLowerCase();
  if (host === 'localhost' || host === '[::1]') return true;
  const v4 = IPV4_LOOPBACK.exec(host);
  return v4 !== null && v4.slice(1).every((octet) => Number(octet) <= 255);
}
