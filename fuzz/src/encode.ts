import type { FuzzCase, RequestSpec } from './cases';

const encoder = new TextEncoder();

function join(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.byteLength, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** The body in `sizes`-long chunks; without the closing zero chunk when `cut`. */
function chunked(
  body: Uint8Array,
  sizes: readonly number[],
  eol: string,
  cut: boolean,
): Uint8Array {
  const parts: Uint8Array[] = [];
  let at = 0;
  let turn = 0;
  while (at < body.byteLength) {
    const size = Math.min(sizes[turn % sizes.length] ?? 1, body.byteLength - at);
    parts.push(encoder.encode(`${size.toString(16)}${eol}`), body.subarray(at, at + size));
    parts.push(encoder.encode(eol));
    at += size;
    turn += 1;
  }
  if (!cut) parts.push(encoder.encode(`0${eol}${eol}`));
  return join(parts);
}

/** One request's bytes, with the run's access token where the case says `{{token}}`. */
function encodeRequest(spec: RequestSpec, token: string): Uint8Array {
  const { eol, body } = spec;
  const lines = [`${spec.method} ${spec.target} ${spec.version}`];
  for (const [name, value] of spec.headers)
    lines.push(`${name}: ${value.replaceAll('{{token}}', token)}`);
  const length = body?.byteLength ?? 0;
  let payload: Uint8Array = body ?? new Uint8Array(0);
  switch (spec.framing) {
    case 'length':
      lines.push(`Content-Length: ${length}`);
      break;
    case 'length-short':
      lines.push(`Content-Length: ${length + 10}`);
      break;
    case 'length-long':
      lines.push(`Content-Length: ${Math.floor(length / 2)}`);
      break;
    case 'chunked':
    case 'chunked-cut':
      lines.push('Transfer-Encoding: chunked');
      payload = chunked(payload, spec.chunks, eol, spec.framing === 'chunked-cut');
      break;
    case 'length-and-chunked':
      lines.push(`Content-Length: ${length}`, 'Transfer-Encoding: chunked');
      payload = chunked(payload, spec.chunks, eol, false);
      break;
    case 'none':
      break;
  }
  return join([encoder.encode(`${lines.join(eol)}${eol}${eol}`), payload]);
}

/** Every byte a case sends, in order. */
export function encodeCase(fuzzCase: FuzzCase, token: string): Uint8Array {
  return join(
    fuzzCase.pieces.map((piece) =>
      piece instanceof Uint8Array ? piece : encodeRequest(piece, token),
    ),
  );
}
