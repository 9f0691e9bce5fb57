export { type Demo, createDemo } from './demo';
export { openDatabase, type DemoDatabase } from './database';
export { createMailer } from './mailer';
export { validatePassword } from './policy';
export { type DemoSettings, readSettings, SettingsError } from './settings';
export { runCreateUser } from './cli';
