// The one Node bridge (IncomingMessage ↔ Request/Response) under every Node adapter.
export { parsedBodyOf, type ToRequestOptions, toRequest, writeResponse } from './bridge';
