import { fileURLToPath } from 'node:url';
import { httpContractSuite } from '@portcullis/testing';
import { afterAll, describe, expect, test } from 'vitest';
import {
  contractTarget,
  type RunningDemo,
  startDemo,
  startExpectingFailure,
} from '../../shared/src/testing/demo-process';

const appDir = fileURLToPath(new URL('..', import.meta.url));
/** No MongoDB server can be installed on our CI machines: the contract runs only with this set. */
const MONGODB_URL = process.env.TEST_MONGODB_URL || '';

describe('the fastify demo with DATABASE_URL=mongodb://…', () => {
  test('refuses to start with one clear line, no password, when unreachable', async () => {
    // Nothing listens on port 9: the driver gives up after the demo's 5 s selection timeout.
    const result = await startExpectingFailure(appDir, {
      DATABASE_URL: 'mongodb://app:hunter2-secret@127.0.0.1:9/portcullis',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^error: DATABASE_URL: cannot use the MongoDB database at /m);
    expect(result.stderr).toContain('***');
    expect(result.stderr).not.toContain('hunter2');
  }, 60_000);
});

if (MONGODB_URL) {
  let demo: RunningDemo | undefined;
  const url = new URL(MONGODB_URL);
  // A database of its own per run; left behind on the server (drop `pc_demo_*` when done).
  url.pathname = `/pc_demo_${Date.now().toString(36)}`;
  afterAll(async () => {
    await demo?.stop();
  });
  httpContractSuite({
    name: 'fastify demo on MongoDB (TEST_MONGODB_URL)',
    async target() {
      demo = await startDemo(appDir, { DATABASE_URL: url.toString() });
      return contractTarget(demo);
    },
  });
}
