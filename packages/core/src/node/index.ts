// The one Node bridge (IncomingMessage ↔ Request/Response) under every Node adapter.
export {
  eachHeader,
  hostBodyOptions,
  parsedBodyOf,
  releaseUnreadBody,
  responseBytes,
  type ToRequestOptions,
  toRequest,
  writeResponse,
} from './bridge';
export { createDocsAssets, type DocsAsset, type DocsAssets } from './docs-assets';
// What every framework adapter shares: routing a request to Portcullis, guarding app routes.
export { type GuardOutcome, resolveUser } from './resolve-user';
export {
  ANSWERED_METHODS,
  handleNodeRequest,
  type NodeRouteOptions,
  routeNodeRequest,
} from './route-request';
