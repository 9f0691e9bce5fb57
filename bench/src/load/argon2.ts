/**
 * Raw argon2id verification throughput, the ceiling of login throughput (issue 7): @node-rs/argon2's
 * `verify` called directly (no Portcullis, no HTTP, the native library's own scheduling: every
 * call straight to the libuv pool), kept at the login storm's concurrency, on the hash Portcullis
 * stores. Runs pinned to the servers' core, like a server. Speaks the load worker's protocol
 * (`run` → `result`), and reports its own CPU time, so logins compare with it by cost too.
 */
import { verify } from '@node-rs/argon2';
import { createPasswordHasher } from '@portcullis/core';
import { PASSWORD } from '../config';
import type { LoadMessage, LoadReply } from './worker';

const IN_FLIGHT = Number(process.env.BENCH_IN_FLIGHT ?? 50);

/** Verifies per second, how many, and the process's CPU time meanwhile (every thread). */
async function verifyFor(
  seconds: number,
  hash: string,
): Promise<{ rps: number; done: number; cpuMs: number }> {
  const deadline = performance.now() + seconds * 1000;
  let done = 0;
  const lane = async (): Promise<void> => {
    while (performance.now() < deadline) {
      if (!(await verify(hash, PASSWORD))) throw new Error('argon2 verify failed');
      done += 1;
    }
  };
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: IN_FLIGHT }, lane));
  const used = process.cpuUsage(cpu);
  return {
    rps: done / ((performance.now() - started) / 1000),
    done,
    cpuMs: (used.user + used.system) / 1000,
  };
}

async function main(): Promise<void> {
  if (!process.send) throw new Error('start this through the bench runner (needs IPC)');
  const hash = await createPasswordHasher().hash(PASSWORD);
  const reply = (message: LoadReply): void => {
    process.send?.(message);
  };
  process.on('message', (message: LoadMessage) => {
    verifyFor(message.seconds, hash).then(
      ({ rps, done, cpuMs }) =>
        reply({
          type: 'result',
          sample: { rps, p50: 0, p99: 0, requests: done, non2xx: 0, errors: 0, cpuMs },
        }),
      (error: unknown) => reply({ type: 'error', message: String(error) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
  reply({ type: 'ready' });
}

void main();
