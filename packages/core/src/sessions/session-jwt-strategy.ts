import type {
  IssuedTokens,
  LoginContext,
  RefreshGrant,
  Strategy,
  UserLookup,
} from '../auth/strategy';
import { claimsNow, verifiedClaims } from '../auth/token-claims';
import { ErrorCode, PortcullisError } from '../errors';
import type { JwtCodec } from '../jwt';
import type { SessionRecord, SessionStore, User } from '../types';
import { createRefreshTokenCodec } from './refresh-token';
import { sessionData, touchSession } from './session-data';

/** Resolved refresh settings of a JWT strategy with sessions. */
export interface ResolvedRefresh {
  lifetimeSeconds: number;
  reuseGraceSeconds: number;
  secret: string | Uint8Array;
}

export interface SessionJwtSettings {
  codec: JwtCodec;
  /** Access-token lifetime in seconds; null never expires. */
  lifetime: number | null;
  /** Explicit audiences; default: `portcullis:session:<backend>`, binding tokens to their backend. */
  audience: readonly string[] | undefined;
  sessions: SessionStore;
  refresh: ResolvedRefresh | undefined;
}

/** The name an unbound strategy writes on its sessions (bound ones use their backend's name). */
const UNBOUND = 'session';

function badRefreshToken(): PortcullisError {
  return new PortcullisError(ErrorCode.REFRESH_TOKEN_BAD_TOKEN, 'Invalid refresh token');
}

/**
 * JWT access tokens of a session: `{sub, sid, aud, exp, auth_time}`. Every read checks the
 * session is still live in the store (never cached), so a revoked session's tokens answer 401
 * on every instance at once. See docs/sessions.md.
 */
export function createSessionJwtStrategy<U extends User>(
  settings: SessionJwtSettings,
  backend: string = UNBOUND,
): Strategy<U> {
  const { codec, lifetime, sessions, refresh } = settings;
  const audience = [...(settings.audience ?? [`portcullis:session:${backend}`])];
  const refreshCodec = refresh ? createRefreshTokenCodec(refresh.secret) : null;

  const decode = (token: string) => verifiedClaims(codec, token, audience);

  /** The token's session is this backend's and the token's subject's. */
  const ownedBy = (session: SessionRecord, sub: string): boolean =>
    String(session.user_id) === sub && session.backend === backend;

  const sign = (session: SessionRecord): Promise<string> =>
    codec.sign(
      {
        sub: String(session.user_id),
        sid: session.id,
        aud: audience,
        auth_time: Math.floor(session.auth_time.getTime() / 1000),
      },
      lifetime,
    );

  const open = (user: U, context: LoginContext | undefined): Promise<SessionRecord> =>
    sessions.create(
      sessionData(user, context, {
        backend,
        lifetimeSeconds: refresh ? refresh.lifetimeSeconds : lifetime,
        tokenKey: null,
        refreshGeneration: refresh ? 0 : null,
      }),
    );

  const issue = async (session: SessionRecord, generation: number): Promise<IssuedTokens> => {
    if (!refreshCodec || !refresh) throw new TypeError('refresh tokens are not configured');
    const [accessToken, refreshToken] = await Promise.all([
      sign(session),
      refreshCodec.mint(session.id, generation),
    ]);
    const left = session.expires_at
      ? Math.max(1, Math.floor((session.expires_at.getTime() - Date.now()) / 1000))
      : refresh.lifetimeSeconds;
    return { accessToken, refreshToken, expiresIn: lifetime, refreshMaxAge: left };
  };

  const grant: RefreshGrant<U> | undefined =
    refresh && refreshCodec
      ? {
          async login(user, context) {
            return issue(await open(user, context), 0);
          },
          async rotate(token, users, onReuse) {
            const parsed = await refreshCodec.parse(token);
            if (!parsed) throw badRefreshToken();
            const { sessionId, generation } = parsed;
            let session = await sessions.get(sessionId);
            if (!session || session.backend !== backend) throw badRefreshToken();
            const user = await users.findById(String(session.user_id));
            if (!user?.is_active) throw badRefreshToken();
            // Two rounds: the loser of a race re-reads and finds itself one generation behind.
            for (let round = 0; round < 2 && session; round++) {
              const stored = session.refresh_generation;
              if (stored === null) throw badRefreshToken();
              if (generation === stored) {
                if (await sessions.advanceRefresh(sessionId, stored, new Date())) {
                  return { user, tokens: await issue(session, stored + 1) };
                }
                session = await sessions.get(sessionId);
                continue;
              }
              const refreshedAt = session.refreshed_at?.getTime() ?? null;
              const graceMs = refresh.reuseGraceSeconds * 1000;
              if (
                generation === stored - 1 &&
                refreshedAt !== null &&
                graceMs > 0 &&
                Date.now() - refreshedAt <= graceMs
              ) {
                // The same successor the winner got: two tabs refreshing at once stay logged in.
                return { user, tokens: await issue(session, stored) };
              }
              if (generation < stored) {
                // A rotated token came back after the grace window: someone else may hold it.
                if (await sessions.delete(sessionId)) {
                  await onReuse({ userId: String(user.id), sessionId, backend });
                }
              }
              throw badRefreshToken();
            }
            throw badRefreshToken();
          },
        }
      : undefined;

  // One round trip per check when the store reads the session with its user (an SQL join;
  // docs/sessions-storage.md); nothing is cached either way.
  const withUser = sessions.getByIdWithUser?.bind(sessions);

  return {
    sessions,
    ...(grant ? { refresh: grant } : {}),
    forBackend: (name: string) => createSessionJwtStrategy<U>(settings, name),
    async readToken(token: string, users: UserLookup<U>): Promise<U | null> {
      // Without awaiting the codec when it need not wait (docs/performance.md).
      let claims = claimsNow(codec, token, audience);
      if (claims === undefined) claims = await decode(token);
      const sub = claims?.sub;
      const sid = claims?.sid;
      if (typeof sub !== 'string' || typeof sid !== 'string') return null;
      if (withUser) {
        const found = await withUser(sid);
        if (!found || !ownedBy(found.session, sub)) return null;
        const touched = touchSession(sessions, found.session);
        if (touched !== null) await touched;
        // The store mapped the row as its user store does: the app's user type.
        return found.user as U;
      }
      // One round trip of latency: the lookups do not depend on each other.
      const [session, user] = await Promise.all([sessions.get(sid), users.findById(sub)]);
      if (!session || !ownedBy(session, sub)) return null;
      const touched = touchSession(sessions, session);
      if (touched !== null) await touched;
      return user;
    },
    async writeToken(user: U, context?: LoginContext): Promise<string> {
      return sign(await open(user, context));
    },
    async destroyToken(token: string, user: U): Promise<void> {
      const claims = await decode(token);
      // Logout may be authenticated by another backend: only our own token of this user counts.
      if (claims?.sub !== String(user.id) || typeof claims.sid !== 'string') return;
      await sessions.delete(claims.sid);
    },
    async revokeAllForUser(user: U): Promise<void> {
      await sessions.deleteAllForUser(user.id);
    },
    async sessionIdOf(token: string): Promise<string | null> {
      const sid = (await decode(token))?.sid;
      return typeof sid === 'string' ? sid : null;
    },
  };
}
