import { empty, json, type PortcullisResponse } from '../http/response';
import type { CredentialHeaders, RefreshAnswer, Transport } from './transport';

export interface BearerTransportOptions {
  /** Path of the login route, relative, for the OpenAPI password flow (e.g. `auth/jwt/login`). */
  tokenUrl: string;
}

/**
 * Tokens in `Authorization: Bearer <token>`; login answers 200 `{access_token, token_type}`
 * (plus `refresh_token` and `expires_in` on a backend with refresh tokens, docs/sessions.md),
 * logout 204 (see docs/contract/behaviour.md#bearer-transport).
 *
 * @example
 * ```ts
 * const transport = createBearerTransport({ tokenUrl: 'auth/jwt/login' });
 * ```
 */
export function createBearerTransport(options: BearerTransportOptions): Transport {
  return {
    kind: 'bearer',
    readToken(headers: CredentialHeaders): string | null {
      const header = headers.authorization;
      if (!header) return null;
      // Starlette splits at the first space and compares the scheme case-insensitively. The
      // usual spelling needs no lower-cased copy of the scheme.
      let token: string;
      if (header.startsWith('Bearer ')) {
        token = header.slice(7).trim();
      } else {
        const space = header.indexOf(' ');
        if (space === -1) return null;
        if (header.slice(0, space).toLowerCase() !== 'bearer') return null;
        token = header.slice(space + 1).trim();
      }
      return token === '' ? null : token;
    },
    loginResponse(token: string, refresh?: RefreshAnswer): PortcullisResponse {
      if (!refresh) return json({ access_token: token, token_type: 'bearer' });
      return json({
        access_token: token,
        token_type: 'bearer',
        refresh_token: refresh.refreshToken,
        expires_in: refresh.expiresIn,
      });
    },
    logoutResponse(): PortcullisResponse {
      return empty(204);
    },
    securityScheme: {
      name: 'OAuth2PasswordBearer',
      scheme: { type: 'oauth2', flows: { password: { tokenUrl: options.tokenUrl, scopes: {} } } },
    },
  };
}
