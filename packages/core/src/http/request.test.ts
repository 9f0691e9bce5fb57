import { describe, expect, it } from 'vitest';
import { fromFetchRequest } from './request';

describe('fromFetchRequest', () => {
  it('tells that the client has gone once the request’s signal aborts', () => {
    const controller = new AbortController();
    const request = fromFetchRequest(
      new Request('http://app.test/auth/jwt/login', { method: 'POST', signal: controller.signal }),
    );
    expect(request.clientGone?.()).toBe(false);
    controller.abort();
    expect(request.clientGone?.()).toBe(true);
  });
});
