/**
 * What kind of key a PEM holds, read from its DER `AlgorithmIdentifier` without importing it
 * (imports are asynchronous; `createPortcullis` checks keys synchronously at start-up).
 * PKCS#8 (RFC 5208 §5) and SPKI (RFC 5280 §4.1) both carry the algorithm's OID, and for EC
 * keys the curve's OID as its parameter (RFC 5480 §2.1.1).
 */
import { hex } from './hex';

export type KeyKind =
  | 'RSA'
  | 'RSA-PSS'
  | 'EC P-256'
  | 'EC P-384'
  | 'EC P-521'
  | 'EC (another curve)'
  | 'Ed25519'
  | 'Ed448'
  | 'unknown';

const OIDS: Readonly<Record<string, KeyKind | 'EC'>> = {
  '2a864886f70d010101': 'RSA', // 1.2.840.113549.1.1.1 rsaEncryption
  '2a864886f70d01010a': 'RSA-PSS', // 1.2.840.113549.1.1.10 id-RSASSA-PSS
  '2a8648ce3d0201': 'EC', // 1.2.840.10045.2.1 id-ecPublicKey
  '2b6570': 'Ed25519', // 1.3.101.112
  '2b6571': 'Ed448', // 1.3.101.113
};

const CURVES: Readonly<Record<string, KeyKind>> = {
  '2a8648ce3d030107': 'EC P-256', // 1.2.840.10045.3.1.7 prime256v1
  '2b81040022': 'EC P-384', // 1.3.132.0.34 secp384r1
  '2b81040023': 'EC P-521', // 1.3.132.0.35 secp521r1
};

interface Tlv {
  tag: number;
  start: number;
  end: number;
}

/** One DER tag-length-value at `offset`, or null when the bytes do not hold one. */
function readTlv(der: Uint8Array, offset: number): Tlv | null {
  const tag = der[offset];
  let length = der[offset + 1];
  if (tag === undefined || length === undefined) return null;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 4) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + (der[start + i] ?? 0);
    start += count;
  }
  const end = start + length;
  return end <= der.length ? { tag, start, end } : null;
}

function pemBody(pem: string): Uint8Array | null {
  const base64 = pem
    .replace(/-----(BEGIN|END) [^-]+-----/g, '')
    .replace(/\s+/g, '')
    .trim();
  try {
    return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * The kind of key in a PKCS#8 private key PEM (`private`) or an SPKI public key PEM (`public`).
 *
 * @example
 * ```ts
 * keyKindOfPem(pkcs8, 'private'); // 'EC P-256'
 * ```
 */
export function keyKindOfPem(pem: string, form: 'private' | 'public'): KeyKind {
  const der = pemBody(pem);
  if (!der) return 'unknown';
  const outer = readTlv(der, 0);
  if (outer?.tag !== 0x30) return 'unknown';
  let at = outer.start;
  if (form === 'private') {
    const version = readTlv(der, at);
    if (version?.tag !== 0x02) return 'unknown';
    at = version.end;
  }
  const algorithm = readTlv(der, at);
  if (algorithm?.tag !== 0x30) return 'unknown';
  const oid = readTlv(der, algorithm.start);
  if (oid?.tag !== 0x06) return 'unknown';
  const kind = OIDS[hex(der.subarray(oid.start, oid.end))];
  if (kind === undefined) return 'unknown';
  if (kind !== 'EC') return kind;
  const curve = readTlv(der, oid.end);
  if (curve?.tag !== 0x06 || curve.end > algorithm.end) return 'EC (another curve)';
  return CURVES[hex(der.subarray(curve.start, curve.end))] ?? 'EC (another curve)';
}

/** The kind of key a Web Crypto key is, by its algorithm. */
export function keyKindOfCryptoKey(key: CryptoKey): KeyKind {
  const algorithm = key.algorithm as { name?: string; namedCurve?: string };
  switch (algorithm.name) {
    case 'RSASSA-PKCS1-v1_5':
      return 'RSA';
    case 'RSA-PSS':
      return 'RSA-PSS';
    case 'ECDSA':
      return (
        (
          { 'P-256': 'EC P-256', 'P-384': 'EC P-384', 'P-521': 'EC P-521' } as Record<
            string,
            KeyKind
          >
        )[algorithm.namedCurve ?? ''] ?? 'EC (another curve)'
      );
    case 'Ed25519':
      return 'Ed25519';
    case 'Ed448':
      return 'Ed448';
    default:
      return 'unknown';
  }
}
