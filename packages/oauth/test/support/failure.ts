import { isOAuthClientError, type OAuthClientError } from '@portcullis/oauth';

/** The OAuthClientError a call rejected with (anything else fails the test). */
export async function failure(promise: Promise<unknown>): Promise<OAuthClientError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  if (!isOAuthClientError(error)) throw new Error(`expected an OAuthClientError, got ${error}`);
  return error;
}
