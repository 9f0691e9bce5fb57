import { connect } from 'node:net';
import { type ParsedResponse, parseResponses } from './responses';

/** What came back on one connection. */
export interface Outcome {
  responses: ParsedResponse[];
  /** The server ended or reset the connection (as opposed to us, after the last answer). */
  closedByServer: boolean;
  /** Nothing final within the deadline: the server held the connection without answering. */
  timedOut: boolean;
  /** Bytes that are not HTTP responses at all. */
  unparsable: string | null;
}

/**
 * Sends `bytes` on a fresh connection (half-closing after them if asked) and reads answers
 * until there is one per request, the server closes the connection, or `timeoutMs` passes.
 */
export function exchange(
  port: number,
  bytes: Uint8Array,
  options: { halfClose: boolean; heads: readonly boolean[]; timeoutMs: number },
): Promise<Outcome> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (closedByServer: boolean, timedOut = false): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      const received = Buffer.concat(chunks);
      try {
        const { responses } = parseResponses(received, options.heads, closedByServer);
        resolve({ responses, closedByServer, timedOut, unparsable: null });
      } catch (error) {
        const sample = received.subarray(0, 120).toString('latin1');
        resolve({ responses: [], closedByServer, timedOut, unparsable: `${error}: ${sample}` });
      }
    };
    const timer = setTimeout(() => finish(false, true), options.timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      try {
        const { responses, complete } = parseResponses(Buffer.concat(chunks), options.heads, false);
        if (complete && responses.length >= options.heads.length) finish(false);
      } catch {
        finish(false);
      }
    });
    socket.on('end', () => finish(true));
    socket.on('close', () => finish(true));
    // A reset after (or instead of) the answer; what was read so far still counts.
    socket.on('error', () => finish(true));
    socket.write(bytes);
    if (options.halfClose) socket.end();
  });
}
