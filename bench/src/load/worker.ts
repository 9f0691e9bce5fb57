/**
 * The load generator: autocannon in its own process (pinned by the runner to the core the
 * servers do not use), alive for the whole run. Each `{ type: 'run', config, seconds }` message
 * starts one load of that length and is answered with `{ type: 'result', ... }`.
 */
import { createHmac } from 'node:crypto';
import autocannon, { type Request, type Result } from 'autocannon';
import { AUDIENCE, SECRET } from '../config';

export interface LoadConfig {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
  connections: number;
  /** A fresh bearer token for this user on every request (the cold path). */
  freshTokensFor?: string;
  /**
   * Refresh tokens, each of a session of its own, each sent once, as JSON
   * `{"refresh_token"}`: every connection starts from the next unused one, then sends the
   * `refresh_token` of each answer as a client does, and takes the next unused one after an
   * answer that carries none. Must hold at least `connections` per run of this config, plus a
   * margin for failed answers; the runner hands each server its own slice.
   */
  refreshChain?: readonly string[];
  /**
   * A second load alongside: one connection at a fixed, modest rate, so it measures the latency
   * of a cheap guarded route without adding load of its own.
   */
  probe?: { path: string; headers: Record<string, string>; rate: number };
}

/** What one load reports. Latencies in milliseconds. */
export interface LoadSample {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  probe?: { rps: number; p50: number; p99: number; non2xx: number; errors: number };
  /** CPU time of the measured process itself, ms: set by the raw argon2 loop only. */
  cpuMs?: number;
}

/** `config` is absent for the argon2 loop, which has nothing to aim at. */
export type LoadMessage = { type: 'run'; seconds: number; config?: LoadConfig };
export type LoadReply =
  | { type: 'ready' }
  | { type: 'result'; sample: LoadSample }
  | { type: 'error'; message: string };

const POOL = 100_000;
const b64 = (value: string | Buffer): string => Buffer.from(value).toString('base64url');

/**
 * HS256 tokens as Portcullis' JWT strategy writes them, plus a `jti` so no two are alike. Made
 * with node:crypto before the load starts, so signing costs the load generator nothing.
 */
function freshTokens(userId: string): string[] {
  const header = b64(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const exp = Math.floor(Date.now() / 1000) + 86_400;
  const tokens: string[] = [];
  for (let i = 0; i < POOL; i++) {
    const payload = b64(JSON.stringify({ sub: userId, aud: [AUDIENCE], exp, jti: `t${i}` }));
    const input = `${header}.${payload}`;
    tokens.push(`${input}.${createHmac('sha256', SECRET).update(input).digest('base64url')}`);
  }
  return tokens;
}

function summarize(result: Result): Omit<LoadSample, 'probe'> {
  return {
    rps: result.duration > 0 ? result.requests.total / result.duration : 0,
    p50: result.latency.p50,
    p99: result.latency.p99,
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

/** Unused refresh tokens left in a chain's pool: the warm-up and the measured run share one. */
const chainCursors = new Map<string, number>();

/**
 * One request that rotates a refresh token: autocannon calls `onResponse` for an answer and, at
 * once and for the same connection, `setupRequest` for its next request, so the token handed
 * over between the two is that connection's own successor.
 */
function refreshRequest(base: Request, chain: readonly string[]): Request {
  const key = chain[0] as string;
  let handoff: string | null = null;
  const nextUnused = (): string => {
    const at = chainCursors.get(key) ?? 0;
    chainCursors.set(key, at + 1);
    // Past the end, tokens come round again: their sessions are revoked, the answers 400s.
    return chain[at % chain.length] as string;
  };
  return {
    ...base,
    setupRequest(request) {
      const token = handoff ?? nextUnused();
      handoff = null;
      return { ...request, body: JSON.stringify({ refresh_token: token }) };
    },
    onResponse(status, body) {
      if (status !== 200) return;
      let next: unknown;
      try {
        next = (JSON.parse(body) as { refresh_token?: unknown }).refresh_token;
      } catch {
        return; // counted by autocannon as an answer; the next request takes an unused token
      }
      if (typeof next === 'string') handoff = next;
    },
  };
}

function requestsFor(config: LoadConfig, tokens: string[] | null): Request[] {
  const base: Request = {
    method: config.method,
    path: config.path,
    headers: config.headers,
    ...(config.body === undefined ? {} : { body: config.body }),
  };
  const chain = config.refreshChain;
  if (chain && chain.length > 0) return [refreshRequest(base, chain)];
  if (!tokens) return [base];
  let next = 0;
  return [
    {
      ...base,
      setupRequest(request) {
        const token = tokens[next] as string;
        next = (next + 1) % tokens.length;
        return { ...request, headers: { ...config.headers, authorization: `Bearer ${token}` } };
      },
    },
  ];
}

async function runOnce(config: LoadConfig, tokens: string[] | null, seconds: number) {
  const main = autocannon({
    url: config.origin,
    connections: config.connections,
    duration: seconds,
    requests: requestsFor(config, tokens),
  });
  const probe = config.probe
    ? autocannon({
        url: config.origin,
        connections: 1,
        overallRate: config.probe.rate,
        duration: seconds,
        requests: [{ method: 'GET', path: config.probe.path, headers: config.probe.headers }],
      })
    : null;
  const [result, probeResult] = await Promise.all([main, probe]);
  const sample: LoadSample = summarize(result);
  if (probeResult) {
    const { rps, p50, p99, non2xx, errors } = summarize(probeResult);
    sample.probe = { rps, p50, p99, non2xx, errors };
  }
  return sample;
}

/** Token pools by user id: made once per run, whatever the number of cold-path loads. */
const pools = new Map<string, string[]>();

function tokensFor(config: LoadConfig): string[] | null {
  const userId = config.freshTokensFor;
  if (userId === undefined) return null;
  let pool = pools.get(userId);
  if (!pool) {
    pool = freshTokens(userId);
    pools.set(userId, pool);
  }
  return pool;
}

function main(): void {
  if (!process.send) throw new Error('start this through the bench runner (needs IPC)');
  const reply = (message: LoadReply): void => {
    process.send?.(message);
  };
  process.on('message', (message: LoadMessage) => {
    const { config } = message;
    if (!config) {
      reply({ type: 'error', message: 'a load needs a config' });
      return;
    }
    runOnce(config, tokensFor(config), message.seconds).then(
      (sample) => reply({ type: 'result', sample }),
      (error: unknown) => reply({ type: 'error', message: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready' });
}

main();
