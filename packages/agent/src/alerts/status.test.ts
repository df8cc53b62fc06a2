import { describe, expect, it } from 'vitest';
import { SYSTEM_STATUS_VALUE, systemStatus } from './status.js';

describe('systemStatus', () => {
  it('critical beats degraded beats healthy', () => {
    expect(systemStatus({ firing: [], serviceUp: [] })).toBe('healthy');
    expect(systemStatus({ firing: [], serviceUp: [1, 1] })).toBe('healthy');
    expect(systemStatus({ firing: [], serviceUp: [1, 0] })).toBe('degraded');
    expect(systemStatus({ firing: ['warning'], serviceUp: [1] })).toBe('degraded');
    expect(systemStatus({ firing: ['warning', 'critical'], serviceUp: [0] })).toBe('critical');
  });

  it('records 0, 1, 2 as the policy describes', () => {
    expect(SYSTEM_STATUS_VALUE).toEqual({ healthy: 0, degraded: 1, critical: 2 });
  });
});
