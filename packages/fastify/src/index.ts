// Plugin: mounts routers, decorates request.user
export { portcullis } from './plugin';
export type { PortcullisPluginOptions } from './plugin';

// Guards for the app's own routes
export { requireUser } from './guard';
