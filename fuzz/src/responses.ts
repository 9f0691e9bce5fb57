/** One HTTP/1.x response read back from a raw connection. */
export interface ParsedResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string>;
  body: string;
}

const decoder = new TextDecoder('latin1');

/** Reads one header block at `offset`: the status and headers, and where the body starts. */
function readHead(
  text: string,
  offset: number,
): { status: number; headers: Record<string, string>; bodyStart: number } | null {
  const end = text.indexOf('\r\n\r\n', offset);
  if (end === -1) return null;
  const [statusLine = '', ...lines] = text.slice(offset, end).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine);
  if (!match) throw new Error(`not an HTTP response: ${JSON.stringify(statusLine.slice(0, 40))}`);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon === -1) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(match[1]), headers, bodyStart: end + 4 };
}

/** A chunked body starting at `offset`: its text and where it ends, or null if incomplete. */
function readChunked(text: string, offset: number): { body: string; end: number } | null {
  let at = offset;
  let body = '';
  for (;;) {
    const lineEnd = text.indexOf('\r\n', at);
    if (lineEnd === -1) return null;
    const size = Number.parseInt(text.slice(at, lineEnd), 16);
    if (!Number.isFinite(size)) throw new Error('bad chunk size in a response');
    at = lineEnd + 2;
    if (size === 0) {
      const trailerEnd = text.indexOf('\r\n', at);
      if (trailerEnd === -1) return null;
      return { body, end: trailerEnd + 2 };
    }
    if (text.length < at + size + 2) return null;
    body += text.slice(at, at + size);
    at += size + 2;
  }
}

/**
 * The complete responses in the bytes a server sent on one connection, in order (1xx interim
 * answers skipped), and whether the last one is complete. `heads` says, per request, whether
 * it was a HEAD (its answer has no body whatever its `content-length`). `closed` means the
 * server ended the connection: a response without a length then ends there.
 */
export function parseResponses(
  bytes: Uint8Array,
  heads: readonly boolean[],
  closed: boolean,
): { responses: ParsedResponse[]; complete: boolean } {
  const text = decoder.decode(bytes);
  const responses: ParsedResponse[] = [];
  let offset = 0;
  while (offset < text.length) {
    const head = readHead(text, offset);
    if (!head) return { responses, complete: false };
    if (head.status >= 100 && head.status < 200) {
      offset = head.bodyStart;
      continue;
    }
    const isHead = heads[responses.length] ?? false;
    const { headers, status } = head;
    let body = '';
    let end = head.bodyStart;
    if (isHead || status === 204 || status === 304) {
      // No body.
    } else if (headers['transfer-encoding']?.toLowerCase().includes('chunked')) {
      const chunked = readChunked(text, head.bodyStart);
      if (!chunked) return { responses, complete: false };
      body = chunked.body;
      end = chunked.end;
    } else if (headers['content-length'] !== undefined) {
      const length = Number(headers['content-length']);
      if (text.length < head.bodyStart + length) return { responses, complete: false };
      body = text.slice(head.bodyStart, head.bodyStart + length);
      end = head.bodyStart + length;
    } else {
      if (!closed) return { responses, complete: false };
      body = text.slice(head.bodyStart);
      end = text.length;
    }
    responses.push({ status, headers, body });
    offset = end;
  }
  return { responses, complete: true };
}
