import { describe, expect, test } from 'vitest';
import { ErrorCode } from './errors';
import { DEFAULT_STORE_TIMEOUT_MS, timeoutOption, withDeadline } from './store-timeouts';

describe('timeoutOption', () => {
  test('takes a positive number, or the fallback when unset', () => {
    expect(timeoutOption(undefined, DEFAULT_STORE_TIMEOUT_MS, 'x', 'f')).toBe(5000);
    expect(timeoutOption(null, 700, 'x', 'f')).toBe(700);
    expect(timeoutOption(1.5, 700, 'x', 'f')).toBe(1.5);
  });

  test.each([
    [-5, 'must be a positive number (got -5)'],
    [0, 'must be a positive number (got 0)'],
    [Number.NaN, 'must be a positive number (got NaN)'],
    ['hunter2', 'must be a positive number (got a string)'],
    [3e9, 'must be at most 2147483647 (got 3000000000)'],
  ])('refuses %j, naming the function and the option', (value, message) => {
    expect(() => timeoutOption(value, 5000, 'queryTimeoutMs', 'openPostgres')).toThrowError(
      expect.objectContaining({
        code: ErrorCode.CONFIGURATION,
        message: `openPostgres: queryTimeoutMs ${message}`,
      }),
    );
  });
});

describe('withDeadline', () => {
  test('hands back what the work gives in time, and its errors', async () => {
    expect(await withDeadline(Promise.resolve('ok'), 50, 'Redis')).toBe('ok');
    await expect(withDeadline(Promise.reject(new Error('boom')), 50, 'Redis')).rejects.toThrow(
      'boom',
    );
  });

  test('fails with SERVICE_UNAVAILABLE when the work does not settle in time', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 20, 'MongoDB')).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
      status: 503,
      message: 'MongoDB did not answer within 20 ms',
    });
  });
});
