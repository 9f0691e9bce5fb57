import { appendFileSync } from 'node:fs';

export type MailKind = 'verify' | 'reset';

/**
 * The demo mailer: the only place allowed to print a token (see docs/demo.md). Each message is one
 * JSON line appended to OUTBOX (when set) and printed to stdout.
 */
export function createMailer(
  outbox: string | null,
): (kind: MailKind, email: string, token: string) => void {
  return (kind, email, token) => {
    const line = `${JSON.stringify({ kind, email, token })}\n`;
    if (outbox) appendFileSync(outbox, line);
    process.stdout.write(`[mail] ${line}`);
  };
}
