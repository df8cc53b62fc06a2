import { describe, expect, it } from 'vitest';
import { PERSONAL_DATA_CANARIES } from '../testing/canaries.js';
import { detectPersonalData } from './personal-data.js';

describe('detectPersonalData', () => {
  it.each(PERSONAL_DATA_CANARIES)('flags $kind in "$value"', ({ value }) => {
    expect(detectPersonalData(value)).toBeDefined();
  });

  it.each([
    'user',
    'transmit',
    '/',
    '/var/lib/docker',
    '/boot/efi',
    'ext4',
    'ECONNREFUSED',
    'TypeError',
    '1.2.3',
    'v20.20.2',
    'prism-telemetry-agent',
    '@prism-telemetry/hostmetrics',
    '2026-11-22',
    '0.5',
    'eth0',
    'anon:0123456789abcdef0123456789abcdef',
  ])('leaves the health value "%s" alone', (value) => {
    expect(detectPersonalData(value)).toBeUndefined();
  });

  it('classifies the main kinds', () => {
    expect(detectPersonalData('x alice@example.com')).toBe('email');
    expect(detectPersonalData('10.1.2.3')).toBe('ip_address');
    expect(detectPersonalData('aa:bb:cc:dd:ee:ff')).toBe('mac_address');
    expect(detectPersonalData('/home/zed/x')).toBe('home_path');
    expect(detectPersonalData('4111111111111111')).toBe('card_number');
  });

  it('does not flag digit runs that fail the Luhn check as cards', () => {
    expect(detectPersonalData('4111 1111 1111 1112')).not.toBe('card_number');
  });

  it('treats long integers as possible phone or card numbers, small numbers as measurements', () => {
    expect(detectPersonalData(14155550132)).toBeDefined();
    expect(detectPersonalData(4096)).toBeUndefined();
    expect(detectPersonalData(0.25)).toBeUndefined();
    expect(detectPersonalData(true)).toBeUndefined();
  });

  it('gives the same verdict on repeated values (clean values are remembered, personal ones rescanned)', () => {
    for (let i = 0; i < 3; i++) {
      expect(detectPersonalData('ECONNREFUSED')).toBeUndefined();
      expect(detectPersonalData('alice@example.com')).toBe('email');
    }
  });
});
