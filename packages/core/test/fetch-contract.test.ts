import { createTestApp } from './app';
import { defineContractSuite } from './contract';

defineContractSuite('Fetch handler', async () => {
  const app = createTestApp();
  return {
    request: (method, path, init) => app.request(method, path, init),
    async lastToken(kind, email) {
      const mail = app.mail.filter((m) => m.kind === kind && m.email === email).pop();
      if (!mail) throw new Error(`no ${kind} mail for ${email}`);
      return mail.token;
    },
    async createUser(user) {
      const created = await app.portcullis.userManager.create({
        email: user.email,
        password: user.password,
        is_superuser: user.superuser ?? false,
        is_verified: user.verified ?? false,
        is_active: !user.inactive,
      });
      return { id: String(created.id) };
    },
  };
});
