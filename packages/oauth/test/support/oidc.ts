/// <reference path="./oidc-provider.d.ts" />
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

/** What the provider knows about an account (userinfo claims besides `sub`). */
export interface TestAccount {
  email?: string;
  email_verified?: boolean;
}

export interface RelyingParty {
  clientId: string;
  clientSecret: string;
  redirectUris: string[];
}

/** panva's oidc-provider on 127.0.0.1, with its development login and consent pages. */
export interface TestOidcProvider {
  /** `http://127.0.0.1:<port>`; known before `configure`, so apps can be built first. */
  readonly issuer: string;
  /** Accounts by login; an unknown login signs in with no email claim. */
  readonly accounts: Map<string, TestAccount>;
  /** Whether the token endpoint hands out refresh tokens (switch it to test "none sent"). */
  readonly settings: { issueRefreshTokens: boolean };
  /** Registers the relying parties and starts answering; until then every request is a 503. */
  configure(clients: RelyingParty[]): void;
  /** Every request path the provider served, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

/**
 * Starts the provider in two steps: the port first (the app needs the issuer to build its
 * client), the configuration once the app's redirect URIs are known.
 */
export async function startOidcProvider(): Promise<TestOidcProvider> {
  let handle: ((req: IncomingMessage, res: ServerResponse) => void) | null = null;
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${(req.url ?? '').split('?')[0]}`);
    if (!handle) {
      res.writeHead(503).end();
      return;
    }
    handle(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const accounts = new Map<string, TestAccount>();
  const settings = { issueRefreshTokens: true };

  return {
    issuer,
    accounts,
    settings,
    requests,
    configure(clients) {
      const provider = new Provider(issuer, {
        clients: clients.map((c) => ({
          client_id: c.clientId,
          client_secret: c.clientSecret,
          redirect_uris: c.redirectUris,
          grant_types: ['authorization_code', 'refresh_token'],
          response_types: ['code'],
          token_endpoint_auth_method: 'client_secret_basic',
        })),
        async findAccount(_ctx: unknown, sub: string) {
          return {
            accountId: sub,
            async claims() {
              return { sub, ...accounts.get(sub) };
            },
          };
        },
        claims: { openid: ['sub'], email: ['email', 'email_verified'] },
        scopes: ['openid', 'email', 'offline_access'],
        features: { devInteractions: { enabled: true }, revocation: { enabled: true } },
        issueRefreshToken: async () => settings.issueRefreshTokens,
        pkce: { required: () => true },
        cookies: { keys: ['portcullis-test-cookie-key'] },
      });
      handle = provider.callback();
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
