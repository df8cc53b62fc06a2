import type { PersonalDataKind } from '../anonymize/personal-data.js';

/**
 * Personal data planted by tests into every place data can enter, then searched for in every output.
 * Each has a `needle`: a substring that must appear nowhere (plain, URL-encoded or base64) afterwards.
 */
export const PERSONAL_DATA_CANARIES: ReadonlyArray<{ kind: PersonalDataKind; value: string; needle: string }> = [
  { kind: 'email', value: 'alice.canary@example.com', needle: 'alice.canary' },
  { kind: 'email', value: 'contact: bob+ops@corp-mail.example.org', needle: 'bob+ops' },
  { kind: 'ip_address', value: '203.0.113.77', needle: '203.0.113.77' },
  { kind: 'ip_address', value: 'client 198.51.100.23:5432', needle: '198.51.100.23' },
  { kind: 'ip_address', value: '2001:db8:85a3::8a2e:370:7334', needle: '2001:db8:85a3' },
  { kind: 'ip_address', value: 'fe80::1ff:fe23:4567:890a%eth0', needle: 'fe80::1ff:fe23' },
  { kind: 'mac_address', value: '3c:22:fb:9a:11:0e', needle: '3c:22:fb:9a' },
  { kind: 'mac_address', value: 'enx3c22fb9a110e', needle: 'enx3c22fb9a110e' },
  { kind: 'home_path', value: '/home/carolcanary/projects', needle: 'carolcanary' },
  { kind: 'home_path', value: '/Users/davecanary/Library', needle: 'davecanary' },
  { kind: 'home_path', value: 'C:\\Users\\erincanary\\AppData', needle: 'erincanary' },
  { kind: 'credential', value: 'Bearer abcDEF123456ghiJKL789', needle: 'abcDEF123456ghiJKL789' },
  {
    kind: 'credential',
    value: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJmcmFua2NhbmFyeSJ9.c2lnbmF0dXJlX2NhbmFyeQ',
    needle: 'eyJzdWIiOiJmcmFua2NhbmFyeSJ9',
  },
  { kind: 'credential', value: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc', needle: '4eC39HqLyjWDarjtT1zdp7dc' },
  { kind: 'credential', value: 'ghp_16C7e42F292c6912E7710c838347Ae178B4a', needle: '16C7e42F292c6912E7710c8' },
  { kind: 'credential', value: 'postgres://app:hunter2canary@db:5432/app', needle: 'hunter2canary' },
  { kind: 'card_number', value: '4111 1111 1111 1111', needle: '4111 1111 1111 1111' },
  { kind: 'card_number', value: '5500-0000-0000-0004', needle: '5500-0000-0000-0004' },
  { kind: 'phone_number', value: '+1 (415) 555-0132', needle: '555-0132' },
  { kind: 'phone_number', value: '+44 20 7946 0958', needle: '7946 0958' },
  { kind: 'email', value: 'gina%2Ecanary%40example.com', needle: 'gina' },
  { kind: 'email', value: Buffer.from('hank.canary@example.net').toString('base64'), needle: 'hank.canary' },
];

/** Every encoded form of a needle that must not appear in output. */
export function needleForms(needle: string): string[] {
  return [
    needle,
    encodeURIComponent(needle),
    Buffer.from(needle).toString('base64').replace(/=+$/, ''),
    Buffer.from(needle).toString('base64url').replace(/=+$/, ''),
  ];
}
