import type { PortcullisRequest } from '../http/request';
import type { PortcullisResponse } from '../http/response';
import type { Route } from '../http/route';
import type { Logger } from '../logger';
import type { UserManager } from '../manager';
import type { User } from '../types';
import { createAddressBudget } from './address-budget';
import {
  type ClientAddressResolver,
  createClientAddressResolver,
  type TrustProxy,
} from './client-address';
import { createGuard } from './guarded-store';
import { type IpRange, inRange, parseIp, parseRange } from './ip';
import { createLoginThrottle, type LoginThrottle } from './login-throttle';
import { type RateLimitOptions, resolveRateLimit } from './rate-limit-options';

/** Everything abuse protection adds to `createPortcullis`, resolved once. */
export interface AbuseProtection<U extends User = User> {
  /** The client's address of a request, as `trustProxy` says to resolve it. */
  readonly clientAddress: ClientAddressResolver;
  /** What the password login route calls around `manager.authenticate`. */
  readonly login: LoginThrottle<U>;
  /**
   * Before every matched route: the per-address budget's 429, or null to run the route; null
   * itself, not a promise, for a route that spends nothing, so it runs without waiting a turn.
   * Undefined without a budget, so the routes skip the call entirely.
   */
  readonly admit:
    | ((route: Route, request: PortcullisRequest) => Promise<PortcullisResponse | null> | null)
    | undefined;
}

export interface AbuseProtectionOptions<U extends User> {
  readonly rateLimit: RateLimitOptions | false | undefined;
  readonly trustProxy: TrustProxy | false | undefined;
  readonly manager: UserManager<U>;
  readonly logger: Logger | undefined;
}

/** Where a reverse proxy usually sits: loopback and the private ranges (RFC 1918, RFC 4193). */
const PRIVATE_RANGES = [
  '127.0.0.0/8',
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '::1/128',
  'fc00::/7',
]
  .map(parseRange)
  .filter((range): range is IpRange => range !== null);

function isPrivate(address: string): boolean {
  const bytes = parseIp(address);
  return bytes !== null && PRIVATE_RANGES.some((range) => inRange(bytes, range));
}

/**
 * Assembles the client-address rule, login throttling and the per-address budget, and the two
 * one-time warnings an operator needs: no client address at all, and forwarding headers from a
 * private peer while `trustProxy` is unset (every client behind that proxy then shares one
 * bucket).
 */
export function createAbuseProtection<U extends User>(
  options: AbuseProtectionOptions<U>,
): AbuseProtection<U> {
  const { manager, logger } = options;
  const limits = resolveRateLimit(options.rateLimit);
  const resolve = createClientAddressResolver(options.trustProxy);
  const trusting = options.trustProxy !== undefined && options.trustProxy !== false;
  let warnedUnknown = false;
  let warnedProxy = false;

  const clientAddress: ClientAddressResolver = (request) => {
    const address = resolve(request);
    if (!trusting && !warnedProxy && limits && address !== null) {
      const forwarded = request.header('x-forwarded-for') ?? request.header('forwarded');
      if (forwarded !== null && isPrivate(address)) {
        warnedProxy = true;
        logger?.warn(
          { peer: address },
          'Requests arrive through a proxy but trustProxy is not set: every client behind it ' +
            'shares one rate-limit bucket (see docs/abuse-protection.md)',
        );
      }
    }
    return address;
  };
  const warnUnknownAddress = (): void => {
    if (warnedUnknown) return;
    warnedUnknown = true;
    logger?.warn(
      {},
      'The host gave no client address: per-address limits are skipped and logins are only ' +
        'limited per email (pass remoteAddress to the Fetch handler)',
    );
  };
  const guard = createGuard(limits?.storeTimeoutMs ?? 1000, {
    logger,
    onRateLimitError: (event, request) => manager.onRateLimitError(event, request),
  });
  const onThrottled = manager.onThrottled.bind(manager);
  const login = createLoginThrottle<U>({
    limits,
    clientAddress,
    guard,
    onLoginFailed: (event, request) => manager.onLoginFailed(event, request),
    onThrottled,
    warnUnknownAddress,
  });
  return Object.freeze({
    clientAddress,
    login,
    admit: limits
      ? createAddressBudget({ limits, clientAddress, guard, onThrottled, warnUnknownAddress })
      : undefined,
  });
}
