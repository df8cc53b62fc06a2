import { describe, expect, it } from 'vitest';
import { describeSender } from './describe-sender.js';

describe('describeSender', () => {
  it('says where and how, and whether secrets are set, without any of them', () => {
    const description = describeSender({
      url: 'https://collect.example:8443/v1/collect?token=QUERYSECRET#frag',
      encoding: 'protobuf',
      compression: 'gzip',
      apiKey: 'KEYSECRET',
      headers: { 'x-tenant': 'HEADERSECRET' },
      caFile: '/home/someone/PATHSECRET/ca.pem',
      timeoutMillis: 10_000,
    });
    expect(description).toEqual({
      destination: 'https://collect.example:8443/v1/collect',
      encoding: 'protobuf',
      compression: 'gzip',
      tls: 'custom_ca',
      apiKeySet: true,
      extraHeaders: 1,
      timeoutMillis: 10_000,
      summary:
        'https://collect.example:8443/v1/collect, protobuf, gzip, TLS (custom CA), API key set, 1 extra header, timeout 10 s',
    });
    expect(JSON.stringify(description)).not.toMatch(/SECRET|someone|frag/);
  });

  it('tells plain http, system roots and a missing key apart', () => {
    const base = { encoding: 'json', compression: 'none', headers: {}, timeoutMillis: 2500 } as const;
    expect(describeSender({ ...base, url: 'http://127.0.0.1:4318/v1/collect', apiKey: '' })).toMatchObject({
      tls: 'none',
      apiKeySet: false,
      summary: 'http://127.0.0.1:4318/v1/collect, json, uncompressed, no TLS, no API key, timeout 2.5 s',
    });
    expect(describeSender({ ...base, url: 'https://collect.example/v1/collect' }).tls).toBe('system_ca');
    expect(describeSender({ ...base, url: 'not a url' }).destination).toBe('(invalid url)');
  });
});
