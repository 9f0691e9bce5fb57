// Mounting the Portcullis routes

// Guards for the app's own routes (sets the typed `req.user`)
export { requireUser } from './guard';
export { type PortcullisRouterOptions, portcullis } from './router';
