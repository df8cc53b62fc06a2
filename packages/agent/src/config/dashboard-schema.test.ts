import { describe, expect, it } from 'vitest';
import { dashboardSchema, isLoopbackHost } from './dashboard-schema.js';

describe('dashboard config', () => {
  it('is on, on loopback port 8080, with no configuration', () => {
    expect(dashboardSchema.parse(undefined)).toEqual({
      enabled: true,
      endpoint: '127.0.0.1:8080',
      host: '127.0.0.1',
      port: 8080,
    });
  });

  it('takes IPv6 loopback, port 0 (any free port) and enabled: false', () => {
    expect(dashboardSchema.parse({ endpoint: '[::1]:9090' })).toMatchObject({ host: '::1', port: 9090 });
    expect(dashboardSchema.parse({ endpoint: '127.0.0.1:0' })).toMatchObject({ host: '127.0.0.1', port: 0 });
    expect(dashboardSchema.parse({ enabled: false })).toMatchObject({ enabled: false });
  });

  it('names what is wrong and how to write it', () => {
    for (const endpoint of ['8080', 'localhost', '127.0.0.1:99999', '127.0.0.1:-1']) {
      const result = dashboardSchema.safeParse({ endpoint });
      expect(result.success, endpoint).toBe(false);
      expect(result.error?.issues[0]?.message).toBe('must be host:port');
    }
    expect(dashboardSchema.safeParse({ endpiont: '127.0.0.1:1' }).success).toBe(false);
  });

  it('knows which hosts are loopback', () => {
    expect(['127.0.0.1', 'localhost', '::1'].every(isLoopbackHost)).toBe(true);
    expect(['0.0.0.0', '192.168.1.2', '::'].some(isLoopbackHost)).toBe(false);
  });
});
