/**
 * Where Portcullis reports what an operator must see: unexpected errors (every 500) and
 * outages. The shape is pino's (`pino()` fits as is); `console` fits through a one-line
 * wrapper. The first argument carries structured fields (`err` for an error, as pino expects);
 * a token, a password or a secret never appears in either argument.
 *
 * @example
 * ```ts
 * import pino from 'pino';
 * const portcullis = createPortcullis({ ..., logger: pino() });
 * // or, without pino:
 * const logger: Logger = {
 *   error: (fields, message) => console.error(message, fields),
 *   warn: (fields, message) => console.warn(message, fields),
 *   info: (fields, message) => console.info(message, fields),
 * };
 * ```
 */
export interface Logger {
  error(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
}
