// Plugin: mounts routers, decorates request.user

// Guards for the app's own routes
export { requireUser } from './guard';
export type { PortcullisPluginOptions } from './plugin';
export { portcullis } from './plugin';
