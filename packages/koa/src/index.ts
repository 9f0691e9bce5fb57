// Mounting the Portcullis routes

// Guards for the app's own routes (sets the typed `ctx.state.user`)
export { requireUser } from './guard';
export { type PortcullisMiddlewareOptions, portcullis } from './middleware';
