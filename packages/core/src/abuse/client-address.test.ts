import { describe, expect, it } from 'vitest';
import type { PortcullisRequest } from '../http/request';
import { createClientAddressResolver } from './client-address';
import { bucketOf, formatIp, parseIp } from './ip';

function request(
  remoteAddress: string | null,
  headers: Record<string, string> = {},
): PortcullisRequest {
  return {
    method: 'POST',
    url: 'http://localhost/auth/jwt/login',
    header: (name) => headers[name] ?? null,
    remoteAddress,
    readBody: async () => new Uint8Array(0),
  };
}

describe('IP addresses', () => {
  it('parses IPv4 and IPv6 strictly and writes them canonically', () => {
    expect(formatIp(parseIp('192.0.2.1') as Uint8Array)).toBe('192.0.2.1');
    expect(formatIp(parseIp('2001:DB8:0:0:0:0:0:1') as Uint8Array)).toBe('2001:db8::1');
    expect(formatIp(parseIp('::ffff:198.51.100.7') as Uint8Array)).toBe('198.51.100.7');
    expect(formatIp(parseIp('fe80::1%eth0') as Uint8Array)).toBe('fe80::1');
    for (const bad of [
      '256.1.1.1',
      '01.2.3.4',
      '1.2.3',
      '1::2::3',
      'example.com',
      '',
      '1:2:3:4:5:6:7:8:9',
    ]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });

  it('buckets IPv6 clients by /64 and IPv4 clients by address', () => {
    expect(bucketOf('2001:db8:1:2:aaaa::1')).toBe(bucketOf('2001:db8:1:2:bbbb::9'));
    expect(bucketOf('2001:db8:1:2::1')).not.toBe(bucketOf('2001:db8:1:3::1'));
    expect(bucketOf('203.0.113.1')).toBe('203.0.113.1');
  });
});

describe('the client address', () => {
  it('is the socket peer by default, whatever the forwarding headers say', () => {
    const resolve = createClientAddressResolver(undefined);
    const forged = request('::ffff:192.0.2.10', { 'x-forwarded-for': '203.0.113.5' });
    expect(resolve(forged)).toBe('192.0.2.10');
    expect(resolve(request(null))).toBeNull();
  });

  it('reads one entry per trusted hop from the right of X-Forwarded-For', () => {
    const one = createClientAddressResolver(1);
    const chain = { 'x-forwarded-for': '198.51.100.1, 203.0.113.7' };
    expect(one(request('10.0.0.2', chain))).toBe('203.0.113.7');
    const two = createClientAddressResolver(2);
    expect(two(request('10.0.0.2', chain))).toBe('198.51.100.1');
    // Fewer entries than hops: the leftmost one.
    expect(two(request('10.0.0.2', { 'x-forwarded-for': '203.0.113.7' }))).toBe('203.0.113.7');
  });

  it('walks past trusted ranges to the first untrusted address', () => {
    const resolve = createClientAddressResolver(['loopback', '10.0.0.0/8']);
    const headers = { 'x-forwarded-for': '198.51.100.66, 203.0.113.7, 10.1.2.3' };
    expect(resolve(request('127.0.0.1', headers))).toBe('203.0.113.7');
    // An untrusted peer's header is not believed at all.
    expect(resolve(request('192.0.2.1', headers))).toBe('192.0.2.1');
  });

  it('stops at an entry that is not an address', () => {
    const resolve = createClientAddressResolver('loopback');
    expect(resolve(request('127.0.0.1', { 'x-forwarded-for': 'unknown, 127.0.0.2' }))).toBe(
      '127.0.0.2',
    );
  });

  it('reads RFC 7239 Forwarded only when told to, ports and brackets removed', () => {
    const headers = {
      forwarded: 'for=198.51.100.1;proto=https, for="[2001:db8::7]:4711"',
      'x-forwarded-for': '203.0.113.9',
    };
    const rfc = createClientAddressResolver({ trust: 1, header: 'forwarded' });
    expect(rfc(request('127.0.0.1', headers))).toBe('2001:db8::7');
    const xff = createClientAddressResolver(1);
    expect(xff(request('127.0.0.1', headers))).toBe('203.0.113.9');
    const ports = createClientAddressResolver(1);
    expect(ports(request('127.0.0.1', { 'x-forwarded-for': '203.0.113.9:5555' }))).toBe(
      '203.0.113.9',
    );
  });

  it('refuses a rule it cannot read', () => {
    expect(() => createClientAddressResolver(['10.0.0.0/33'])).toThrow('trustProxy');
    expect(() => createClientAddressResolver(-1)).toThrow('trustProxy');
    expect(() => createClientAddressResolver(['nginx'])).toThrow('trustProxy');
  });
});
