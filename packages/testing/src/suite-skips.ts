/**
 * Checks a suite's `skip` option before anything runs: every key is one of the suite's case
 * ids and every reason is a non-empty string, so a typo or a silent skip fails at once.
 * `kind` names the suite in the message (`store`, `HTTP`, `session`, …).
 *
 * @example
 * ```ts
 * checkSkips('session', sessionCaseIds, options.skip ?? {});
 * // { 'STORE-SESION-001': 'x' } → "skip names an unknown session case id: STORE-SESION-001"
 * ```
 */
export function checkSkips(
  kind: string,
  known: readonly string[],
  skip: Readonly<Record<string, string | undefined>> | undefined,
): void {
  for (const [id, reason] of Object.entries(skip ?? {})) {
    if (!known.includes(id)) throw new Error(`skip names an unknown ${kind} case id: ${id}`);
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`skipping ${id} needs a reason`);
    }
  }
}
