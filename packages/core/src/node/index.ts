// @portcullis/core/node: the one Node bridge under every Node adapter. Requests are read
// straight from `IncomingMessage` and answers written straight to `ServerResponse`: no WHATWG
// `Request`/`Response` is built on the Node path. Node-only stores share what they need here.

// Reading requests and writing answers
export {
  ANSWERED_METHODS,
  hostBodyOptions,
  type NodeRequestOptions,
  nodeRequest,
  releaseUnreadBody,
  writeNodeResponse,
} from './bridge';
// Answering what the framework never sees: slow requests, parser errors, CONNECT, half-close
export { type HardenServerOptions, hardenServer } from './harden-server';
// The interactive docs page's files
export { createDocsAssets, type DocsAsset, type DocsAssets } from './docs-assets';
// The session id the SQL and MongoDB stores give a token FastAPI Users inserted
export { adoptedSessionId } from './session-id';
// Routing a Node request to Portcullis
export {
  handleNodeRequest,
  type NodeRouteOptions,
  routeNodeRequest,
} from './route-request';
