/**
 * Regenerates the GENERATED blocks of docs/PRIVACY.md from the privacy policy, with the renderer `show` uses.
 *
 *   node --import tsx scripts/generate-privacy-docs.ts           rewrite the stale blocks
 *   node --import tsx scripts/generate-privacy-docs.ts --check   exit 1 naming each stale block, write nothing
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkPrivacyDocs } from '../packages/agent/src/transparency/privacy-docs.js';
import { beginMarker, endMarker } from '../packages/agent/src/transparency/generated-blocks.js';

const DOC = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'docs', 'PRIVACY.md');
const RELATIVE = 'docs/PRIVACY.md';

async function run(argv: readonly string[]): Promise<number> {
  const unknown = argv.filter((a) => a !== '--check');
  if (unknown.length > 0) {
    process.stderr.write(`generate-privacy-docs: unknown argument ${unknown[0]}; usage: [--check]\n`);
    return 2;
  }
  const check = argv.includes('--check');
  const result = checkPrivacyDocs(await readFile(DOC, 'utf8'));
  for (const name of result.missing) {
    process.stderr.write(
      `${RELATIVE}: block "${name}" has no single ${beginMarker(name)} ... ${endMarker(name)} pair; ` +
        'add the two markers where the block belongs, then run this again\n',
    );
  }
  if (check) {
    for (const name of result.stale) {
      process.stderr.write(
        `${RELATIVE}: generated block "${name}" is stale; run \`npm run docs\` and commit the result\n`,
      );
    }
    return result.stale.length > 0 || result.missing.length > 0 ? 1 : 0;
  }
  if (result.stale.length > 0) await writeFile(DOC, result.text);
  process.stdout.write(
    result.stale.length > 0
      ? `${RELATIVE}: regenerated ${result.stale.join(', ')}\n`
      : `${RELATIVE}: generated blocks up to date\n`,
  );
  return result.missing.length > 0 ? 1 : 0;
}

process.exitCode = await run(process.argv.slice(2));
