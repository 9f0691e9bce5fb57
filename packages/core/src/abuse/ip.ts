/**
 * IP addresses as the limiter needs them: parsed strictly (anything else is not an address),
 * written in one canonical form, and matched against CIDR ranges. Written here rather than
 * taken from `node:net` so core stays runtime-neutral.
 */

/** An address as 4 (IPv4) or 16 (IPv6) bytes. */
export type IpBytes = Uint8Array;

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

function parseV4(text: string): IpBytes | null {
  const match = IPV4.exec(text);
  if (!match) return null;
  const bytes = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const part = match[i + 1] as string;
    // Leading zeros are read as octal by some parsers: refuse the ambiguity.
    if (part.length > 1 && part.startsWith('0')) return null;
    const value = Number(part);
    if (value > 255) return null;
    bytes[i] = value;
  }
  return bytes;
}

function parseV6(text: string): IpBytes | null {
  // A zone (`fe80::1%eth0`) names an interface of this host, not another address.
  const address = text.split('%', 1)[0] as string;
  if (address === '' || address.length > 45) return null;
  const halves = address.split('::');
  if (halves.length > 2) return null;
  const groups = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groups(halves[0] as string);
  const tail = halves.length === 2 ? groups(halves[1] as string) : [];
  const words: number[] = [];
  const push = (parts: string[], last: boolean): boolean => {
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] as string;
      if (last && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseV4(part);
        if (!v4) return false;
        words.push(((v4[0] as number) << 8) | (v4[1] as number));
        words.push(((v4[2] as number) << 8) | (v4[3] as number));
        continue;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(part)) return false;
      words.push(Number.parseInt(part, 16));
    }
    return true;
  };
  if (!push(head, halves.length === 1)) return null;
  const headCount = words.length;
  if (!push(tail, true)) return null;
  const missing = 8 - words.length;
  if (halves.length === 1 ? missing !== 0 : missing < 1) return null;
  const all = [...words.slice(0, headCount), ...new Array<number>(missing).fill(0)];
  all.push(...words.slice(headCount));
  const bytes = new Uint8Array(16);
  all.forEach((word, i) => {
    bytes[i * 2] = word >> 8;
    bytes[i * 2 + 1] = word & 0xff;
  });
  return bytes;
}

/**
 * The bytes of an IPv4 or IPv6 address, or null. An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`,
 * what a dual-stack socket reports for IPv4 clients) is its IPv4 address, so one client never
 * has two buckets.
 */
export function parseIp(text: string): IpBytes | null {
  const bytes = text.includes(':') ? parseV6(text) : parseV4(text);
  if (bytes && bytes.length === 16 && isV4Mapped(bytes)) return bytes.slice(12);
  return bytes;
}

function isV4Mapped(bytes: IpBytes): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/** The canonical text of an address: dotted IPv4, or lower-case IPv6 with the longest zero run as `::`. */
export function formatIp(bytes: IpBytes): string {
  if (bytes.length === 4) return bytes.join('.');
  const words: number[] = [];
  for (let i = 0; i < 16; i += 2)
    words.push(((bytes[i] as number) << 8) | (bytes[i + 1] as number));
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < 8; ) {
    if (words[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && words[j] === 0) j++;
    if (j - i > bestLength && j - i > 1) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = words.map((word) => word.toString(16));
  if (bestStart === -1) return hex.join(':');
  const left = hex.slice(0, bestStart).join(':');
  const right = hex.slice(bestStart + bestLength).join(':');
  return `${left}::${right}`;
}

/** A CIDR range (`10.0.0.0/8`, `fd00::/8`) or a single address (a /32 or /128). */
export interface IpRange {
  readonly bytes: IpBytes;
  readonly prefix: number;
}

/** Parses `address/prefix` or a bare address; null when it is neither. */
export function parseRange(text: string): IpRange | null {
  const slash = text.indexOf('/');
  const bytes = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!bytes) return null;
  const bits = bytes.length * 8;
  if (slash === -1) return { bytes, prefix: bits };
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  let prefix = Number(prefixText);
  // `::ffff:10.0.0.0/104` is the IPv4 range 10.0.0.0/8, as parseIp maps the address.
  if (bytes.length === 4 && text.slice(0, slash).includes(':')) prefix -= 96;
  if (prefix < 0 || prefix > bits) return null;
  return { bytes, prefix };
}

/** Whether `address` lies in `range` (never across address families). */
export function inRange(address: IpBytes, range: IpRange): boolean {
  if (address.length !== range.bytes.length) return false;
  let remaining = range.prefix;
  for (let i = 0; i < address.length && remaining > 0; i++) {
    const mask = remaining >= 8 ? 0xff : (0xff << (8 - remaining)) & 0xff;
    if (((address[i] as number) & mask) !== ((range.bytes[i] as number) & mask)) return false;
    remaining -= 8;
  }
  return true;
}

/**
 * The bucket a client's requests are counted in: the IPv4 address itself, or the /64 network
 * of an IPv6 address (one subscriber usually gets a whole /64, so counting single IPv6
 * addresses would hand an attacker 2^64 buckets).
 */
export function bucketOf(address: string): string {
  const bytes = parseIp(address);
  if (!bytes) return address;
  if (bytes.length === 4) return formatIp(bytes);
  const network = new Uint8Array(16);
  network.set(bytes.subarray(0, 8));
  return `${formatIp(network)}/64`;
}
