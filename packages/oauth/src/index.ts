// Errors
export type { OAuthClientErrorCode } from './errors';
export { isOAuthClientError, OAuthClientError } from './errors';
// Clients: generic OAuth 2 and OpenID Connect discovery
export type { ClientCredentials, OAuth2ClientOptions } from './oauth2-client';
export { createOAuth2Client } from './oauth2-client';
export type { OpenIdClientOptions } from './openid-client';
export { createOpenIdClient } from './openid-client';
// How clients reach their provider and authenticate at its token endpoint
export type { FetchLike, ProviderHttp, ProviderHttpOptions } from './provider-http';
export type { TokenEndpointAuthMethod } from './token-endpoint-auth';
// Provider presets
export type { DiscordClientOptions } from './providers/discord';
export { createDiscordClient } from './providers/discord';
export type { GitHubClientOptions } from './providers/github';
export { createGitHubClient } from './providers/github';
export type { GoogleClientOptions } from './providers/google';
export { createGoogleClient } from './providers/google';
export type { MicrosoftClientOptions } from './providers/microsoft';
export { createMicrosoftClient } from './providers/microsoft';
