import { lazySchema } from '../internal/lazy-schema';
import type { User } from '../types';

/**
 * An OAuth account as responses show it: never the provider's access or refresh token
 * (see docs/contract/decisions.md#provider-tokens-hidden). Upstream's `BaseOAuthAccountMixin` exposes both (see docs/contract/behaviour.md#schemas); a token that reaches
 * a browser can be replayed against the provider.
 *
 * @example
 * ```ts
 * const userFields = defineUserFields({
 *   oauth_accounts: z.array(oauthAccountRead.with(z)).optional(),
 * });
 * ```
 */
export const oauthAccountRead = lazySchema((z) =>
  z
    .object({
      id: z.union([z.string(), z.number()]),
      oauth_name: z.string(),
      account_id: z.string(),
      account_email: z.string(),
      expires_at: z.number().int().nullable(),
    })
    .meta({ id: 'OAuthAccountRead' }),
);

/**
 * The public fields of one stored OAuth account, in `oauthAccountRead`'s order.
 *
 * @example
 * ```ts
 * publicOAuthAccount(account); // { id, oauth_name, account_id, account_email, expires_at }
 * ```
 */
export function publicOAuthAccount(account: unknown): Record<string, unknown> {
  const row = (typeof account === 'object' && account !== null ? account : {}) as Record<
    string,
    unknown
  >;
  return {
    id: row.id ?? null,
    oauth_name: row.oauth_name ?? null,
    account_id: row.account_id ?? null,
    account_email: row.account_email ?? null,
    expires_at: row.expires_at ?? null,
  };
}

/**
 * A user's linked accounts as responses show them; an empty list when the store loaded none.
 *
 * @example
 * ```ts
 * const body = { ...portcullis.serialize(user), oauth_accounts: publicOAuthAccounts(user) };
 * ```
 */
export function publicOAuthAccounts(user: User): Record<string, unknown>[] {
  const accounts = user.oauth_accounts;
  return Array.isArray(accounts) ? accounts.map(publicOAuthAccount) : [];
}
