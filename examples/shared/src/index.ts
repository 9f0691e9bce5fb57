export { runCreateUser } from './cli';
export { type DemoDatabase, openDatabase } from './database';
export { createDemo, type Demo } from './demo';
export { createMailer } from './mailer';
export { validatePassword } from './policy';
export { type DemoSettings, readSettings, SettingsError } from './settings';
