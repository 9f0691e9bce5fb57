import { describe, expect, it } from 'vitest';
import { ErrorCode, InvalidPasswordError, PortcullisError } from '../errors';
import { relabel } from '../routes/deps';
import { errorResponse } from './response';

const bodyOf = (error: unknown): unknown => JSON.parse(String(errorResponse(error).body));

describe('errors on the wire', () => {
  it('never sends the message of a BAD_REQUEST, which may name a field or a value', () => {
    const error = new PortcullisError(ErrorCode.BAD_REQUEST, 'Invalid value for ada@camelot.bt');
    const response = errorResponse(error);
    expect(response.status).toBe(400);
    expect(bodyOf(error)).toEqual({ detail: 'BAD_REQUEST' });
    expect(String(response.body)).not.toContain('ada@camelot.bt');
  });

  it('sends a password failure as its code and reason, recognised by code, whatever the message', () => {
    const policy = new InvalidPasswordError('Password should be at least 3 characters');
    const custom = new PortcullisError(ErrorCode.INVALID_PASSWORD, 'no suffix here', {
      reason: 'too short',
    });
    for (const [error, reason] of [
      [policy, 'Password should be at least 3 characters'],
      [custom, 'too short'],
    ] as const) {
      let relabelled: unknown;
      try {
        relabel(error, { INVALID_PASSWORD: ErrorCode.REGISTER_INVALID_PASSWORD });
      } catch (thrown) {
        relabelled = thrown;
      }
      expect(bodyOf(relabelled)).toEqual({
        detail: { code: 'REGISTER_INVALID_PASSWORD', reason },
      });
    }
  });

  it('leaves errors of other codes as they are', () => {
    const error = new PortcullisError(ErrorCode.USER_ALREADY_EXISTS, 'INVALID_PASSWORD');
    expect(() => relabel(error, { INVALID_PASSWORD: ErrorCode.REGISTER_INVALID_PASSWORD })).toThrow(
      error,
    );
  });
});
