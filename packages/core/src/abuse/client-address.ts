import { ErrorCode, PortcullisError } from '../errors';
import type { PortcullisRequest } from '../http/request';
import { formatIp, type IpRange, inRange, parseIp, parseRange } from './ip';

/**
 * Which peers may tell core who the client is, through a forwarding header:
 * - a number: that many proxies stand in front of the app (1 = one load balancer); the client
 *   is that many entries from the right of the forwarding chain (the socket peer counts as the
 *   first);
 * - `'loopback'` or a list of CIDR ranges and addresses (`'loopback'` may be one of them):
 *   walking the chain from the socket peer leftwards, every address in these ranges is a proxy
 *   and the first one outside them is the client.
 *
 * @example
 * ```ts
 * createPortcullis({ ..., trustProxy: 1 });                       // one cloud load balancer
 * createPortcullis({ ..., trustProxy: 'loopback' });              // nginx on the same host
 * createPortcullis({ ..., trustProxy: ['10.0.0.0/8', 'loopback'] });
 * createPortcullis({ ..., trustProxy: { trust: 1, header: 'forwarded' } }); // RFC 7239
 * ```
 */
export type TrustProxy =
  | number
  | 'loopback'
  | readonly string[]
  | {
      readonly trust: number | 'loopback' | readonly string[];
      /**
       * The header the proxies write: `x-forwarded-for` (default; nginx, HAProxy and cloud load
       * balancers) or `forwarded` (RFC 7239 `for=`). Only this one is read: a client could
       * send the other one itself.
       */
      readonly header?: 'x-forwarded-for' | 'forwarded';
    };

/** Resolves the client's address of a request; the same answer for the same request object. */
export type ClientAddressResolver = (request: PortcullisRequest) => string | null;

const LOOPBACK = ['127.0.0.0/8', '::1/128'];

type Rule = { hops: number } | { ranges: readonly IpRange[] };

function configError(message: string): PortcullisError {
  return new PortcullisError(ErrorCode.CONFIGURATION, `trustProxy: ${message}`);
}

function compileRule(trust: number | 'loopback' | readonly string[]): Rule {
  if (typeof trust === 'number') {
    if (!Number.isInteger(trust) || trust < 0 || trust > 32) {
      throw configError('a hop count must be an integer from 0 to 32');
    }
    return { hops: trust };
  }
  const entries = typeof trust === 'string' ? [trust] : trust;
  if (!Array.isArray(entries)) throw configError('expected a hop count, "loopback" or CIDRs');
  const ranges: IpRange[] = [];
  for (const entry of entries) {
    const texts = entry === 'loopback' ? LOOPBACK : [entry];
    for (const text of texts) {
      const range = typeof text === 'string' ? parseRange(text.trim()) : null;
      if (!range) throw configError(`"${String(text)}" is neither "loopback" nor a CIDR`);
      ranges.push(range);
    }
  }
  return { ranges };
}

/** The entries of `X-Forwarded-For`, leftmost (client side) first. */
function xForwardedFor(value: string): string[] {
  return value.split(',').map((entry) => entry.trim());
}

/** The `for=` values of `Forwarded` (RFC 7239 §4), leftmost first; quotes and ports removed later. */
function forwarded(value: string): string[] {
  const out: string[] = [];
  for (const element of value.split(',')) {
    let found = '';
    for (const pair of element.split(';')) {
      const eq = pair.indexOf('=');
      if (eq !== -1 && pair.slice(0, eq).trim().toLowerCase() === 'for') {
        found = pair.slice(eq + 1).trim();
      }
    }
    out.push(found);
  }
  return out;
}

/** An address without quotes, brackets or port, in canonical form; null when it is not one. */
function normalize(entry: string): string | null {
  let text = entry.trim();
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) text = text.slice(1, -1);
  if (text.startsWith('[')) {
    const end = text.indexOf(']');
    if (end === -1) return null;
    text = text.slice(1, end);
  } else if (/^[\d.]+:\d+$/.test(text)) {
    text = text.slice(0, text.indexOf(':'));
  }
  const bytes = parseIp(text);
  return bytes ? formatIp(bytes) : null;
}

/**
 * Builds the one function that decides a request's client address. Without `trustProxy` the
 * socket peer is the client and forwarding headers are ignored (a client can write anything
 * there). With it, forwarding entries are believed only as far as the rule reaches: an entry
 * added by a client in front of the trusted proxies never decides the bucket.
 */
export function createClientAddressResolver(
  trustProxy: TrustProxy | false | undefined,
): ClientAddressResolver {
  const cache = new WeakMap<PortcullisRequest, string | null>();
  const peerOf = (request: PortcullisRequest): string | null => {
    const peer = request.remoteAddress;
    return peer === null ? null : (normalize(peer) ?? peer);
  };
  if (trustProxy === undefined || trustProxy === false) return peerOf;
  const spec = typeof trustProxy === 'object' && !Array.isArray(trustProxy) ? trustProxy : null;
  const rule = compileRule(
    spec
      ? (spec as { trust: number | 'loopback' | readonly string[] }).trust
      : (trustProxy as number),
  );
  const header = (spec as { header?: string } | null)?.header ?? 'x-forwarded-for';
  if (header !== 'x-forwarded-for' && header !== 'forwarded') {
    throw configError('header must be "x-forwarded-for" or "forwarded"');
  }
  const trusted = (address: string): boolean => {
    if ('hops' in rule) return false;
    const bytes = parseIp(address);
    return bytes !== null && rule.ranges.some((range) => inRange(bytes, range));
  };

  const resolve = (request: PortcullisRequest): string | null => {
    const peer = peerOf(request);
    if (peer === null) return null;
    const raw = request.header(header);
    if (raw === null || raw.trim() === '') return peer;
    const chain = header === 'forwarded' ? forwarded(raw) : xForwardedFor(raw);
    if ('hops' in rule) {
      // The peer is hop 1; each further trusted hop reads one entry from the right. An entry
      // that is not an address stops the walk at the last good one.
      let client = peer;
      for (let hop = 1; hop <= rule.hops; hop++) {
        const entry = chain[chain.length - hop];
        if (entry === undefined) break;
        const address = normalize(entry);
        if (address === null) break;
        client = address;
      }
      return client;
    }
    let client = peer;
    for (let i = chain.length - 1; i >= 0 && trusted(client); i--) {
      const address = normalize(chain[i] as string);
      if (address === null) break;
      client = address;
    }
    return client;
  };

  return (request) => {
    if (cache.has(request)) return cache.get(request) ?? null;
    const address = resolve(request);
    cache.set(request, address);
    return address;
  };
}
