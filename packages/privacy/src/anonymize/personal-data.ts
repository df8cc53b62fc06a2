import { isIPv4, isIPv6 } from 'node:net';
import { LRUCache } from 'lru-cache';

export type PersonalDataKind =
  'email' | 'ip_address' | 'mac_address' | 'home_path' | 'credential' | 'card_number' | 'phone_number';

interface Pattern {
  kind: PersonalDataKind;
  regex: RegExp;
  /** Extra check on a match, for shapes a regex alone over-matches. */
  accept?: (match: string) => boolean;
}

/** Our own pseudonyms (see hasher.ts) carry nothing of the input. */
const PSEUDONYM = /^anon:[0-9a-f]{32}$/;

function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

const digitsOf = (s: string): string => s.replace(/\D/g, '');

const PATTERNS: readonly Pattern[] = [
  { kind: 'email', regex: /[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/ },
  { kind: 'ip_address', regex: /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/, accept: (m) => isIPv4(m) },
  {
    kind: 'ip_address',
    regex: /[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?:%[\w.]+)?/g,
    accept: (m) => isIPv6(m.replace(/%.*$/, '')),
  },
  { kind: 'mac_address', regex: /\b[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}\b/ },
  { kind: 'mac_address', regex: /\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b/ },
  // Predictable network interface names embed the MAC: enx0123456789ab.
  { kind: 'mac_address', regex: /\benx[0-9A-Fa-f]{12}\b/ },
  { kind: 'home_path', regex: /(?:^|[\s"'=:(,;])(?:\/home|\/Users|\/var\/home|\/export\/home)\/[^/\s"']+/ },
  { kind: 'home_path', regex: /[A-Za-z]:[\\/]+(?:Users|Documents and Settings)[\\/]+[^\\/\s"']+/i },
  { kind: 'home_path', regex: /(?:^|[\s"'=:])~[A-Za-z_][\w.-]*/ },
  { kind: 'credential', regex: /\b(?:bearer|basic|token)\s+[A-Za-z0-9._~+/=-]{8,}/i },
  { kind: 'credential', regex: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/ },
  {
    kind: 'credential',
    regex:
      /\b(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{8,}|\bsk-[A-Za-z0-9_-]{16,}|\bgh[pousr]_[A-Za-z0-9]{20,}|\bgithub_pat_[A-Za-z0-9_]{20,}|\bxox[abprs]-[A-Za-z0-9-]{10,}|\bAKIA[0-9A-Z]{16}\b|\bAIza[0-9A-Za-z_-]{35}\b|\bglpat-[A-Za-z0-9_-]{20,}/,
  },
  // user:password@ in a URL or connection string.
  { kind: 'credential', regex: /[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:[^/\s@]+@/i },
  { kind: 'credential', regex: /\b(?:password|passwd|pwd|secret|api[_-]?key|token)\s*[=:]\s*\S+/i },
  // A long run of mixed letters and digits is how API keys and session ids look; fail closed on it.
  {
    kind: 'credential',
    regex: /[A-Za-z0-9_+=-]{24,}/g,
    accept: (m) => /[A-Za-z]/.test(m) && /\d/.test(m),
  },
  {
    kind: 'card_number',
    regex: /(?<!\d)\d(?:[ -]?\d){12,18}(?!\d)/g,
    accept: (m) => luhnValid(digitsOf(m)),
  },
  {
    kind: 'phone_number',
    regex: /(?<![\w.])\+?\(?\d{1,4}\)?(?:[\s.-]?\(?\d{2,4}\)?){2,4}(?![\w.])/g,
    accept: (m) => {
      const n = digitsOf(m).length;
      return n >= 9 && n <= 15;
    },
  },
];

function matchKind(text: string): PersonalDataKind | undefined {
  for (const { kind, regex, accept } of PATTERNS) {
    if (!accept) {
      if (regex.test(text)) return kind;
      continue;
    }
    const global = regex.global ? regex : new RegExp(regex.source, regex.flags + 'g');
    global.lastIndex = 0;
    for (const m of text.matchAll(global)) if (accept(m[0])) return kind;
  }
  return undefined;
}

function urlDecoded(text: string): string | undefined {
  if (!/%[0-9A-Fa-f]{2}/.test(text) && !text.includes('+')) return undefined;
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** Decoded forms of base64-looking runs, when they decode to mostly printable text. */
function base64Decoded(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z0-9+/_-]{12,}={0,2}/g)) {
    const decoded = Buffer.from(m[0].replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8');
    const printable = decoded.replace(/[^\x20-\x7e]/g, '').length;
    if (decoded.length >= 6 && printable / decoded.length > 0.9) out.push(decoded);
  }
  return out;
}

/**
 * What kind of personal data `value` looks like it holds, or undefined. Checks the text as it is and its
 * URL-decoded and base64-decoded forms. Errs towards "personal": a false positive drops one attribute value,
 * a false negative leaks.
 */
export function detectPersonalData(value: string | number | boolean): PersonalDataKind | undefined {
  if (typeof value === 'boolean') return undefined;
  if (typeof value === 'number') {
    // Small numbers are measurements; long integers can be phone or card numbers.
    if (!Number.isInteger(value) || Math.abs(value) < 1e8) return undefined;
    return matchKind(String(Math.abs(value))) ?? 'phone_number';
  }
  if (value.length === 0 || PSEUDONYM.test(value)) return undefined;
  // Health data repeats the same few values (modes, codes, mount points): remember which short ones are
  // clean. Personal values are rare and not kept in memory longer than their own scan.
  if (value.length <= MAX_CACHED_LENGTH && cleanValues.has(value)) return undefined;
  const kind = scan(value);
  if (kind === undefined && value.length <= MAX_CACHED_LENGTH) cleanValues.set(value, true);
  return kind;
}

const MAX_CACHED_LENGTH = 256;
const cleanValues = new LRUCache<string, true>({ max: 10_000 });

function scan(value: string): PersonalDataKind | undefined {
  const direct = matchKind(value);
  if (direct) return direct;
  const decoded = urlDecoded(value);
  if (decoded !== undefined && decoded !== value) {
    const kind = matchKind(decoded);
    if (kind) return kind;
  }
  for (const text of base64Decoded(value)) {
    const kind = matchKind(text);
    if (kind) return kind;
  }
  return undefined;
}
