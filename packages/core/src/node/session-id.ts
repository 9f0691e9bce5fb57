import { createHash } from 'node:crypto';

/**
 * The session id of an access token a FastAPI Users app inserted (its row or document has no
 * id): derived from the token, so concurrent first reads agree on it, and one-way, so the id
 * (which session listings show) gives nothing of the token away. The SQL and MongoDB session
 * stores both give it, so a token adopted by either has the same id
 * (docs/sessions-storage.md#sql-sessions-extend-the-accesstoken-table).
 */
export function adoptedSessionId(token: string): string {
  return createHash('sha256')
    .update(`portcullis-session-id:${token}`)
    .digest('base64url')
    .slice(0, 32);
}
