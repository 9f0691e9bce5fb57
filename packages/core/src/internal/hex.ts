/** Bytes as lower-case hexadecimal, two digits a byte (a digest as stores and APIs key it). */
export function hex(bytes: Uint8Array): string {
  let out = '';
  for (const byte of bytes) out += byte.toString(16).padStart(2, '0');
  return out;
}
