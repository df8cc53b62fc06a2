import { describe, expect, it } from 'vitest';
import { isLoopbackUrl } from './loopback.js';

describe('isLoopbackUrl', () => {
  it('accepts 127.0.0.0/8, ::1 and localhost, in any spelling the URL parser normalises', () => {
    for (const url of [
      'http://127.0.0.1:9000/a',
      'http://127.255.0.9/',
      'http://127.1/',
      'http://0x7f.0.0.1/',
      'http://[::1]:8080/',
      'http://[0:0::1]/',
      'http://LOCALHOST/',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(true);
    }
  });

  it('refuses everything else', () => {
    for (const url of [
      'http://128.0.0.1/',
      'http://10.0.0.1/',
      'http://0.0.0.0/',
      'http://[::]/',
      'http://[::ffff:127.0.0.1]/',
      'http://localhost.evil.example/',
      'http://127.0.0.1.nip.io/',
      'http://sub.localhost/',
      'not a url',
    ]) {
      expect(isLoopbackUrl(url), url).toBe(false);
    }
  });
});
