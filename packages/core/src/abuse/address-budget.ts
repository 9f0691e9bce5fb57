import type { PortcullisRequest } from '../http/request';
import type { PortcullisResponse } from '../http/response';
import type { Route } from '../http/route';
import { pathOf } from '../internal/url-path';
import type { ThrottledEvent } from './events';
import type { createGuard } from './guarded-store';
import { bucketOf } from './ip';
import type { ResolvedRateLimit } from './rate-limit-options';
import { retryAfterSeconds, tooManyRequests } from './too-many-requests';

const MINUTE_MS = 60_000;

/**
 * Whether a route spends the per-address budget: its own `perAddressLimit` flag when set,
 * otherwise every POST that needs no credentials (its OpenAPI doc is not `secured`). So a new
 * unauthenticated POST route (refresh, a second-factor step) is covered without doing anything,
 * and a GET that acts without credentials (an OAuth callback) opts in with the flag.
 *
 * @example
 * ```ts
 * spendsAddressBudget({ method: 'GET', perAddressLimit: true, doc: { responses: [] } }); // true
 * ```
 */
export function spendsAddressBudget(
  route: Pick<Route, 'method' | 'doc' | 'perAddressLimit'>,
): boolean {
  return route.perAddressLimit ?? (route.method === 'POST' && route.doc.secured !== true);
}

export interface AddressBudgetDeps {
  readonly limits: ResolvedRateLimit;
  readonly clientAddress: (request: PortcullisRequest) => string | null;
  readonly guard: ReturnType<typeof createGuard>;
  onThrottled(event: ThrottledEvent, request: PortcullisRequest): Promise<void>;
  warnUnknownAddress(): void;
}

/**
 * The per-address budget: `perAddressPerMinute` requests per fixed one-minute window and client
 * address (IPv6: per /64), over every route that spends it. Checked before the body is read, so
 * a flood past the budget costs one counter update per request. Returns the 429 to answer, or
 * null to go on.
 */
export function createAddressBudget(
  deps: AddressBudgetDeps,
): (route: Route, request: PortcullisRequest) => Promise<PortcullisResponse | null> | null {
  const { limits, guard } = deps;
  const spend = async (request: PortcullisRequest): Promise<PortcullisResponse | null> => {
    const address = deps.clientAddress(request);
    if (address === null) {
      // One bucket for every unknown client would be a site-wide limit anyone could spend.
      deps.warnUnknownAddress();
      return null;
    }
    const now = Date.now();
    const counted = await guard('hit', request, () =>
      limits.store.hit(`addr:${bucketOf(address)}`, MINUTE_MS, now),
    );
    if (!counted || counted.count <= limits.perAddressPerMinute) return null;
    const retryAfter = retryAfterSeconds(counted.resetAt, now);
    const event: ThrottledEvent = {
      reason: 'address_budget',
      address,
      email: null,
      retryAfterSeconds: retryAfter,
      path: pathOf(request.url),
    };
    await deps.onThrottled(event, request);
    return tooManyRequests(retryAfter);
  };
  // Null for a route that spends nothing: the handler then does not wait a turn for it.
  return (route, request) =>
    limits.perAddressPerMinute === 0 || !spendsAddressBudget(route) ? null : spend(request);
}
