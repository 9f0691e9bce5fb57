import { createHash, generateKeyPairSync, type KeyObject, randomBytes, sign } from 'node:crypto';

// A WebAuthn authenticator in software, for tests: a real P-256 key, real CBOR, real ECDSA
// signatures, so a relying party verifies its answers exactly as it would a browser's
// (WebAuthn Level 3 §6.1 authenticator data, §6.5.4 the `none` attestation format).

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor> | { [key: string]: Cbor };

function head(major: number, length: number): Uint8Array {
  if (length < 24) return Uint8Array.of((major << 5) | length);
  if (length < 0x100) return Uint8Array.of((major << 5) | 24, length);
  if (length < 0x10000) return Uint8Array.of((major << 5) | 25, length >> 8, length & 0xff);
  const out = new Uint8Array(5);
  out[0] = (major << 5) | 26;
  new DataView(out.buffer).setUint32(1, length);
  return out;
}

function cbor(value: Cbor): Buffer {
  if (typeof value === 'number') {
    return Buffer.from(value >= 0 ? head(0, value) : head(1, -1 - value));
  }
  if (typeof value === 'string') {
    const bytes = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  const entries = value instanceof Map ? [...value.entries()] : Object.entries(value);
  return Buffer.concat([
    head(5, entries.length),
    ...entries.flatMap(([k, v]) => [cbor(k), cbor(v)]),
  ]);
}

const b64url = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64url');
const sha256 = (data: Uint8Array | string): Buffer => createHash('sha256').update(data).digest();

const UP = 0x01;
const UV = 0x04;
const AT = 0x40;

export interface SoftwareAuthenticatorOptions {
  /** The origin written into clientDataJSON, e.g. `http://localhost:8000`. */
  origin: string;
  /** The RP id hashed into the authenticator data; default the origin's host name. */
  rpId?: string;
  /** Whether the authenticator claims user verification (UV flag). Default true. */
  userVerified?: boolean;
}

/** One credential the authenticator created. */
export interface SoftwareCredential {
  readonly id: string;
  readonly privateKey: KeyObject;
  readonly userHandle: string | null;
  counter: number;
}

/**
 * A software WebAuthn authenticator: `register(options)` answers creation options as
 * `startRegistration()` of @simplewebauthn/browser would, `authenticate(options)` answers
 * request options as `startAuthentication()` would, both with real ES256 signatures.
 */
export interface SoftwareAuthenticator {
  readonly credentials: SoftwareCredential[];
  register(
    options: { challenge: string; user?: { id?: string } },
    overrides?: Partial<SoftwareAuthenticatorOptions>,
  ): Record<string, unknown>;
  authenticate(
    options: { challenge: string },
    overrides?: Partial<SoftwareAuthenticatorOptions> & { credential?: SoftwareCredential },
  ): Record<string, unknown>;
}

/**
 * Creates a software authenticator.
 *
 * @example
 * ```ts
 * const authenticator = createSoftwareAuthenticator({ origin: 'http://localhost:8000' });
 * const response = authenticator.register(await (await post('/auth/passkey/register/options')).json());
 * ```
 */
export function createSoftwareAuthenticator(
  defaults: SoftwareAuthenticatorOptions,
): SoftwareAuthenticator {
  const credentials: SoftwareCredential[] = [];
  const settings = (overrides: Partial<SoftwareAuthenticatorOptions> = {}) => {
    const merged = { ...defaults, ...overrides };
    return {
      origin: merged.origin,
      rpId: merged.rpId ?? new URL(merged.origin).hostname,
      flags: UP | (merged.userVerified === false ? 0 : UV),
    };
  };
  const clientData = (type: string, challenge: string, origin: string): Buffer =>
    Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }), 'utf8');
  const counterBytes = (n: number): Buffer => {
    const out = Buffer.alloc(4);
    out.writeUInt32BE(n);
    return out;
  };

  return {
    credentials,
    register(options, overrides) {
      const { origin, rpId, flags } = settings(overrides);
      const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const jwk = publicKey.export({ format: 'jwk' });
      const coseKey = new Map<Cbor, Cbor>([
        [1, 2], // kty: EC2
        [3, -7], // alg: ES256
        [-1, 1], // crv: P-256
        [-2, Buffer.from(jwk.x ?? '', 'base64url')],
        [-3, Buffer.from(jwk.y ?? '', 'base64url')],
      ]);
      const rawId = randomBytes(16);
      const idLength = Buffer.alloc(2);
      idLength.writeUInt16BE(rawId.length);
      const authData = Buffer.concat([
        sha256(rpId),
        Uint8Array.of(flags | AT),
        counterBytes(0),
        Buffer.alloc(16), // AAGUID: zeros, as `none` attestation allows
        idLength,
        rawId,
        cbor(coseKey),
      ]);
      const attestationObject = cbor({ fmt: 'none', attStmt: {}, authData });
      const credential: SoftwareCredential = {
        id: b64url(rawId),
        privateKey,
        userHandle: options.user?.id ?? null,
        counter: 0,
      };
      credentials.push(credential);
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(clientData('webauthn.create', options.challenge, origin)),
          attestationObject: b64url(attestationObject),
          transports: ['internal'],
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
    authenticate(options, overrides = {}) {
      const { origin, rpId, flags } = settings(overrides);
      const credential = overrides.credential ?? credentials[credentials.length - 1];
      if (!credential) throw new Error('software authenticator: no credential registered');
      credential.counter += 1;
      const authData = Buffer.concat([
        sha256(rpId),
        Uint8Array.of(flags),
        counterBytes(credential.counter),
      ]);
      const data = clientData('webauthn.get', options.challenge, origin);
      const signature = sign(
        'sha256',
        Buffer.concat([authData, sha256(data)]),
        credential.privateKey,
      );
      return {
        id: credential.id,
        rawId: credential.id,
        type: 'public-key',
        response: {
          clientDataJSON: b64url(data),
          authenticatorData: b64url(authData),
          signature: b64url(signature),
          ...(credential.userHandle === null ? {} : { userHandle: credential.userHandle }),
        },
        clientExtensionResults: {},
        authenticatorAttachment: 'platform',
      };
    },
  };
}
