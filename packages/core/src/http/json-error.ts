/**
 * Where and why Python's `json` module rejects a document, so a malformed body gets the same
 * `loc` offset and `ctx.error` FastAPI reports (see docs/contract/routes.md#validation-errors). Runs only after `JSON.parse` failed.
 */

const WS = new Set([' ', '\t', '\n', '\r']);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?/y;
const LITERALS = ['true', 'false', 'null', 'NaN', 'Infinity', '-Infinity'];
const ESCAPES = new Set(['"', '\\', '/', 'b', 'f', 'n', 'r', 't']);

class Fail {
  constructor(
    readonly pos: number,
    readonly msg: string,
  ) {}
}

function skip(text: string, pos: number): number {
  let i = pos;
  while (i < text.length && WS.has(text[i] as string)) i++;
  return i;
}

/** Scans a string starting at its opening quote; returns the index after the closing quote. */
function scanString(text: string, start: number): number {
  let i = start + 1;
  for (;;) {
    if (i >= text.length) throw new Fail(start, 'Unterminated string starting at');
    const ch = text[i] as string;
    if (ch === '"') return i + 1;
    if (ch < ' ') throw new Fail(i, 'Invalid control character at');
    if (ch === '\\') {
      const esc = text[i + 1];
      if (esc === undefined) throw new Fail(start, 'Unterminated string starting at');
      if (esc === 'u') {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6)))
          throw new Fail(i, 'Invalid \\uXXXX escape');
        i += 6;
        continue;
      }
      if (!ESCAPES.has(esc)) throw new Fail(i, `Invalid \\escape: '${esc}'`);
      i += 2;
      continue;
    }
    i++;
  }
}

function scanValue(text: string, pos: number): number {
  const ch = text[pos];
  if (ch === '"') return scanString(text, pos);
  if (ch === '{') return scanObject(text, pos + 1);
  if (ch === '[') return scanArray(text, pos + 1);
  for (const literal of LITERALS) if (text.startsWith(literal, pos)) return pos + literal.length;
  NUMBER.lastIndex = pos;
  if (NUMBER.test(text)) return NUMBER.lastIndex;
  throw new Fail(pos, 'Expecting value');
}

function scanObject(text: string, start: number): number {
  let i = skip(text, start);
  if (text[i] === '}') return i + 1;
  for (;;) {
    if (text[i] !== '"') throw new Fail(i, 'Expecting property name enclosed in double quotes');
    i = skip(text, scanString(text, i));
    if (text[i] !== ':') throw new Fail(i, "Expecting ':' delimiter");
    i = skip(text, scanValue(text, skip(text, i + 1)));
    if (text[i] === '}') return i + 1;
    if (text[i] !== ',') throw new Fail(i, "Expecting ',' delimiter");
    i = skip(text, i + 1);
  }
}

function scanArray(text: string, start: number): number {
  let i = skip(text, start);
  if (text[i] === ']') return i + 1;
  for (;;) {
    i = skip(text, scanValue(text, i));
    if (text[i] === ']') return i + 1;
    if (text[i] !== ',') throw new Fail(i, "Expecting ',' delimiter");
    i = skip(text, i + 1);
  }
}

/**
 * Python's error for a document `JSON.parse` rejected: the offset in code points and the
 * message `json.JSONDecodeError` carries.
 */
export function pythonJsonError(text: string): { pos: number; msg: string } {
  let failure: Fail;
  try {
    const end = skip(text, scanValue(text, skip(text, 0)));
    failure = end < text.length ? new Fail(end, 'Extra data') : new Fail(end, 'Expecting value');
  } catch (error) {
    if (!(error instanceof Fail)) throw error;
    failure = error;
  }
  // Python counts code points; JavaScript strings count UTF-16 units.
  return { pos: [...text.slice(0, failure.pos)].length, msg: failure.msg };
}
