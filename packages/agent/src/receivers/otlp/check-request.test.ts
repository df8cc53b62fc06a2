import { describe, expect, it } from 'vitest';
import { checkRequest, hostName, loopbackHostNames } from './check-request.js';

const options = { maxBodyBytes: 100, allowedHosts: loopbackHostNames('127.0.0.1') };
const post = (headers: Record<string, string>) =>
  checkRequest({ method: 'POST', url: '/v1/metrics', headers: { host: '127.0.0.1:4318', ...headers } }, options);

describe('checkRequest', () => {
  it('admits OTLP content types, with or without gzip, and a query string', () => {
    expect(post({ 'content-type': 'application/json' })).toEqual({ ok: true, format: 'json', gzip: false });
    expect(post({ 'content-type': 'Application/X-Protobuf', 'content-encoding': 'GZIP' })).toEqual({
      ok: true,
      format: 'protobuf',
      gzip: true,
    });
    expect(
      checkRequest(
        { method: 'POST', url: '/v1/metrics?x=1', headers: { 'content-type': 'application/json', host: 'localhost' } },
        options,
      ),
    ).toMatchObject({ ok: true });
  });

  it('refuses in order: path, method, host, media type, encoding, declared size', () => {
    expect(checkRequest({ method: 'GET', url: '/', headers: {} }, options)).toMatchObject({ status: 404 });
    expect(checkRequest({ method: 'GET', url: '/v1/metrics', headers: {} }, options)).toMatchObject({ status: 405 });
    expect(post({ host: 'attacker.example' })).toMatchObject({ status: 403 });
    expect(post({ 'content-type': 'text/plain' })).toMatchObject({ status: 415 });
    expect(post({ 'content-type': 'application/json', 'content-encoding': 'deflate' })).toMatchObject({ status: 415 });
    expect(post({ 'content-type': 'application/json', 'content-length': '101' })).toMatchObject({ status: 413 });
    expect(post({ 'content-type': 'application/json', 'content-length': '100' })).toMatchObject({ ok: true });
  });

  it('checks Host only when listening on loopback', () => {
    expect(loopbackHostNames('0.0.0.0')).toBeUndefined();
    expect(loopbackHostNames('192.168.1.5')).toBeUndefined();
    expect([...loopbackHostNames('::1')!]).toEqual(['localhost', '127.0.0.1', '::1']);
    expect(hostName('[::1]:4318')).toBe('::1');
    expect(hostName('LocalHost:80')).toBe('localhost');
    expect(hostName(undefined)).toBe('');
  });
});
