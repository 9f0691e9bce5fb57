export { createUserCli, runCreateUser } from './cli';
export { type DemoDatabase, openDatabase } from './database';
export { createDemo, type Demo } from './demo';
export {
  answerError,
  createDemoLogger,
  koaErrorListener,
  SHUTDOWN_GRACE_MS,
  SHUTDOWN_LIMIT_MS,
} from './hardening';
export { createMailer } from './mailer';
export { listenNode } from './node-server';
export {
  createDemoPages,
  type DemoPage,
  type DemoPages,
  errorAnswer,
  NOT_FOUND,
  whoami,
} from './pages';
export { validatePassword } from './policy';
export { type DemoServer, runServer, type StartDemo } from './run-server';
export { type DemoSettings, readSettings, SettingsError } from './settings';
