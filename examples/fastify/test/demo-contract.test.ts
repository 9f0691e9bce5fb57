import { afterAll } from 'vitest';
import { defineContractSuite, toRequestInit } from '../../../packages/core/test/contract';
import { type RunningDemo, startDemo } from './demo';

let demo: RunningDemo | undefined;
afterAll(async () => {
  await demo?.stop();
});

defineContractSuite('Fastify demo (pnpm start)', async () => {
  demo = await startDemo();
  const d = demo;
  return {
    request: (method, path, init) => fetch(`${d.base}${path}`, toRequestInit(method, init)),
    async lastToken(kind, email) {
      const mail = d
        .outbox()
        .filter((m) => m.kind === kind && m.email === email)
        .pop();
      if (!mail) throw new Error(`no ${kind} mail for ${email}`);
      return mail.token;
    },
    async createUser(user) {
      const args = ['--email', user.email, '--password', user.password];
      if (user.superuser) args.push('--superuser');
      if (user.verified) args.push('--verified');
      if (user.inactive) args.push('--inactive');
      const result = await d.createUser(args);
      if (result.code !== 0) throw new Error(`create-user failed: ${result.stderr}`);
      return JSON.parse(result.stdout) as { id: string };
    },
  };
});
