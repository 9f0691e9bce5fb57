// The one Node bridge (IncomingMessage ↔ Request/Response) under every Node adapter.
export {
  parsedBodyOf,
  releaseUnreadBody,
  type ToRequestOptions,
  toRequest,
  writeResponse,
} from './bridge';
export { createDocsAssets, type DocsAsset, type DocsAssets } from './docs-assets';
