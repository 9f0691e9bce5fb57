/**
 * Raw argon2id verification throughput, the ceiling of login throughput (issue 7): @node-rs/argon2's
 * `verify` called directly (no Portcullis, no HTTP, the native library's own scheduling: every
 * call straight to the libuv pool), kept at the login storm's concurrency, on the hash Portcullis
 * stores. Runs pinned to the servers' core, like a server. Speaks the load worker's protocol
 * (`run` → `result`).
 */
import { verify } from '@node-rs/argon2';
import { createPasswordHasher } from '@portcullis/core';
import { PASSWORD } from '../config';
import type { LoadMessage, LoadReply } from './worker';

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);

async function verifyFor(seconds: number, hash: string): Promise<number> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (!(await verify(hash, PASSWORD))) throw new Error('argon2 verify failed');
      done += 1;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  return done / ((performance.now() - started) / 1000);
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('start this through the bench runner (needs IPC)');
  const hash = await createPasswordHasher().hash(PASSWORD);
  const reply = (message: LoadReply): void => {
    process.send?.(message);
  };
  process.on('message', (message: LoadMessage) => {
    verifyFor(message.seconds, hash).then(
      (rps) =>
        reply({
          type: 'result',
          sample: { rps, p50: 0, p99: 0, requests: 0, non2xx: 0, errors: 0 },
        }),
      (error: unknown) => reply({ type: 'error', message: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready' });
}

void main();
