import type { Mounts, Portcullis } from '@portcullis/core';
import { createOpenIdClient } from '@portcullis/oauth';
import type { DemoSettings } from './settings';

/**
 * The demo's `oidc` provider (see docs/demo.md): login through the `jwt` backend, users created
 * verified, associate-by-email only with OIDC_ASSOCIATE_BY_EMAIL=1, redirect URIs under
 * PUBLIC_URL. None without the OIDC_* env.
 */
export function oidcMounts(portcullis: Portcullis, settings: DemoSettings): Mounts {
  const { oidc, publicUrl, secret, secureCookies } = settings;
  if (!oidc) return [];
  const client = createOpenIdClient({
    name: 'oidc',
    issuer: oidc.issuer,
    clientId: oidc.clientId,
    clientSecret: oidc.clientSecret,
    // Only ever true for a loopback issuer, announced on stderr by readSettings.
    dangerouslyAllowInsecureHttp: oidc.allowInsecureHttp,
  });
  // Same rule as the auth cookie: over plain http a Secure cookie would never come back.
  const flow = { stateSecret: secret, csrfTokenCookieSecure: secureCookies };
  return [
    [
      '/auth/oidc',
      portcullis.oauthRouter(client, 'jwt', {
        ...flow,
        redirectUrl: `${publicUrl}/auth/oidc/callback`,
        isVerifiedByDefault: true,
        associateByEmail: oidc.associateByEmail,
      }),
    ],
    [
      '/auth/associate/oidc',
      portcullis.oauthAssociateRouter(client, {
        ...flow,
        redirectUrl: `${publicUrl}/auth/associate/oidc/callback`,
      }),
    ],
  ];
}
