import { createAuthBackend, createBearerTransport, createJwtStrategy, createPortcullis } from '@portcullis/core';
import { createMemoryUserStore, resolveUser } from '@portcullis/core/adapter';
const users = createMemoryUserStore();
const u = await users.create({ email: 'a@example.com', hashed_password: 'x', is_active: true, is_verified: true, is_superuser: false } as never);
const strategy = createJwtStrategy({ secret: 'x'.repeat(40), lifetimeSeconds: 3600 });
const p = createPortcullis({ userManager: { users, resetPasswordToken: { secret: 'y'.repeat(40) }, verificationToken: { secret: 'z'.repeat(40) } }, backends: [createAuthBackend({ name: 'jwt', transport: createBearerTransport({ tokenUrl: 'x' }), strategy })], rateLimit: false });
const token = await strategy.writeToken(u);
const guard = p.currentUser({ active: true });
const N = 200000;
for (let r = 0; r < 4; r++) {
  let t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await users.get(String(u.id));
  const a = Number(process.hrtime.bigint() - t) / N;
  t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await resolveUser(guard, { authorization: `Bearer ${token}` });
  const b = Number(process.hrtime.bigint() - t) / N;
  console.log(`store.get ${a.toFixed(0)} ns, resolveUser ${b.toFixed(0)} ns`);
}
