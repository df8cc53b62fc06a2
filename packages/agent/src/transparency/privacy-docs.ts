import {
  DEFAULT_POLICY,
  PRIVACY_LEVELS,
  buildManifest,
  diffManifests,
  type Category,
  type Policy,
} from '@prism-telemetry/privacy';
import { defaultConfig } from '../config/default-config.js';
import { replaceGeneratedBlocks, type BlocksResult } from './generated-blocks.js';
import { retentionDaysOf } from './manifest-tables.js';
import { renderDiff } from './render-diff.js';
import { renderManifest, renderNeverCollected } from './render-manifest.js';

/** The retention the embedded default config (pipelines/local.yaml) sets, in days. */
export function defaultRetentionDays(): Record<Category, number> {
  const result = defaultConfig({});
  if (!result.ok) throw new Error('the embedded default config does not parse; run the config tests');
  return retentionDaysOf(result.config.telemetry.retentionMillis);
}

/** Block name -> content for docs/PRIVACY.md: one manifest per level, what each level adds, never collected. */
export function privacyDocBlocks(
  policy: Policy = DEFAULT_POLICY,
  retentionDays: Readonly<Record<Category, number>> = defaultRetentionDays(),
): Map<string, string> {
  const blocks = new Map<string, string>();
  const manifests = PRIVACY_LEVELS.map((level) => buildManifest(policy, level));
  for (const manifest of manifests) {
    blocks.set(`manifest-${manifest.level}`, renderManifest(manifest, { format: 'markdown', retentionDays }));
  }
  const steps: string[] = [];
  for (let i = 1; i < manifests.length; i++) {
    const from = manifests[i - 1]!;
    const to = manifests[i]!;
    steps.push(renderDiff(diffManifests(from, to), from, to, 'markdown'));
  }
  blocks.set('levels-diff', steps.join('\n\n'));
  blocks.set('never-collected', renderNeverCollected(manifests[0]!, 'markdown'));
  return blocks;
}

/** Checks (and computes the regenerated text of) docs/PRIVACY.md; `stale` and `missing` name the blocks. */
export function checkPrivacyDocs(text: string, blocks: ReadonlyMap<string, string> = privacyDocBlocks()): BlocksResult {
  return replaceGeneratedBlocks(text, blocks);
}
