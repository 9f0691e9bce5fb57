/**
 * How a client authenticates at the token endpoint (RFC 6749 §2.3.1).
 *
 * @example
 * ```ts
 * const method: TokenEndpointAuthMethod = 'client_secret_basic';
 * ```
 */
export type TokenEndpointAuthMethod = 'client_secret_post' | 'client_secret_basic';
