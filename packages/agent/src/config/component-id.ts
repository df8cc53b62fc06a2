import { didYouMean } from './did-you-mean.js';
import { componentSchemas, SECTION_SINGULAR, type SectionName } from './schema.js';

export type ComponentIdResult =
  { ok: true; type: string; name: string | undefined } | { ok: false; message: string; hint: string };

const TYPE = /^[A-Za-z][A-Za-z0-9_]{0,62}$/;
const NAME = /^[A-Za-z0-9_.-]+$/;

/** A component id is `type` or `type/name` (as in the Collector), and its type must exist in its section. */
export function parseComponentId(section: SectionName, id: string): ComponentIdResult {
  const slash = id.indexOf('/');
  const type = slash < 0 ? id : id.slice(0, slash);
  const name = slash < 0 ? undefined : id.slice(slash + 1);
  const example = `${Object.keys(componentSchemas[section])[0] ?? 'type'}/name`;
  if (!TYPE.test(type) || (name !== undefined && !NAME.test(name))) {
    return {
      ok: false,
      message: 'is not a valid component id',
      hint: `write <type> or <type>/<name>, e.g. ${example}; a name is letters, digits, _, . and -`,
    };
  }
  const known = Object.keys(componentSchemas[section]);
  if (!known.includes(type)) {
    const suggestion = didYouMean(type, known);
    const list = `known ${SECTION_SINGULAR[section]} types: ${known.join(', ')}`;
    return {
      ok: false,
      message: `unknown ${SECTION_SINGULAR[section]} type "${type}"`,
      hint: suggestion === undefined ? list : `did you mean "${suggestion}"? ${list}`,
    };
  }
  return { ok: true, type, name };
}

/** The type part of an id, without checking it. */
export function typeOfId(id: string): string {
  const slash = id.indexOf('/');
  return slash < 0 ? id : id.slice(0, slash);
}
