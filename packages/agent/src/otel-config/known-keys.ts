import type { ConfigPath, PathIssue } from '../config/config-path.js';
import { didYouMean } from '../config/did-you-mean.js';

export interface KnownExporterKeys {
  /** The exporter keys this agent implements here. */
  known: readonly string[];
  /** What an unknown key is called in its message: `unknown ${kind} "…"`. */
  kind: string;
  /** Keys of the spec refused here, each with the message saying why (instead of "unknown"). */
  refused?: Readonly<Record<string, string>>;
  /** The fix when the mapping names no exporter or several. */
  countHint: string;
  /** The fix when the one key is not a known one. */
  unknownHint: string;
}

/**
 * The one key of a reader's `exporter` mapping, when it names exactly one exporter and that exporter is one this
 * agent implements; otherwise undefined, with the error in `errors`. Periodic and pull readers check their
 * exporter the same way, so the two say the same thing about the same mistake, a misspelt key with a suggestion.
 */
export function knownExporterKey(
  exporter: object,
  at: ConfigPath,
  keys: KnownExporterKeys,
  errors: PathIssue[],
): string | undefined {
  const names = Object.keys(exporter);
  if (names.length !== 1) {
    errors.push({
      path: at,
      at: 'key',
      message: names.length === 0 ? 'names no exporter' : `names ${names.length} exporters; a reader has exactly one`,
      hint: keys.countHint,
    });
    return undefined;
  }
  const name = names[0]!;
  if (keys.known.includes(name)) return name;
  const suggestion = didYouMean(name, keys.known);
  // Own keys only: a name such as `toString` must not find Object.prototype's function.
  const refusal = keys.refused && Object.hasOwn(keys.refused, name) ? keys.refused[name] : undefined;
  errors.push({
    path: [...at, name],
    at: 'key',
    message:
      refusal ??
      `unknown ${keys.kind} ${JSON.stringify(name)}${suggestion ? `; did you mean ${JSON.stringify(suggestion)}?` : ''}`,
    hint: keys.unknownHint,
  });
  return undefined;
}
