import { describe, expect, it } from 'vitest';
import { createMemoryLogger } from '../../component/logger.js';
import { WarnLimiter } from './warn-limiter.js';

describe('WarnLimiter', () => {
  it('logs each kind once per interval, then how many it held back', () => {
    let now = 0;
    const logger = createMemoryLogger();
    const limiter = new WarnLimiter(logger, { intervalMillis: 60_000, now: () => now });
    limiter.warn('malformed', 'refused', { status: 400 });
    limiter.warn('malformed', 'refused', { status: 400 });
    limiter.warn('too_large', 'refused', { status: 413 });
    now = 59_999;
    limiter.warn('malformed', 'refused', { status: 400 });
    now = 60_000;
    limiter.warn('malformed', 'refused', { status: 400 });
    expect(logger.lines.map((line) => line.replace(/^\S+ /, ''))).toEqual([
      'warn refused status=400\n',
      'warn refused status=413\n',
      'warn refused status=400 not_logged_since_last=2\n',
    ]);
  });
});
