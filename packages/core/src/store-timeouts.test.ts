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

  test("mapError turns the work's error, and the deadline's, into the store's own", async () => {
    const mapped = (error: unknown) => ({ mapped: (error as Error).message });
    await expect(
      withDeadline(Promise.reject(new Error('boom')), 50, 'Redis', mapped),
    ).rejects.toEqual({ mapped: 'boom' });
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 20, 'Redis', mapped)).rejects.toEqual({
      mapped: 'Redis did not answer within 20 ms',
    });
    expect(await withDeadline(Promise.resolve('ok'), 50, 'Redis', mapped)).toBe('ok');
  });

  test('fails with SERVICE_UNAVAILABLE when the work does not settle in time', async () => {
    const never = new Promise<never>(() => undefined);
    await expect(withDeadline(never, 20, 'MongoDB')).rejects.toMatchObject({
      code: ErrorCode.SERVICE_UNAVAILABLE,
      status: 503,
      message: 'MongoDB did not answer within 20 ms',
    });
  });

  const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

  test('waits at least its bound, and calls that start together share a timer', async () => {
    const before = timers();
    const never = new Promise<never>(() => undefined);
    const started = Date.now();
    const calls = Array.from({ length: 100 }, () =>
      withDeadline(never, 40, 'Redis').then(
        () => 'answered',
        (error: unknown) => error,
      ),
    );
    expect(timers() - before).toBeLessThanOrEqual(2);
    const outcomes = await Promise.all(calls);
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    }
    expect(timers()).toBeLessThanOrEqual(before);
  });

  test('a call that settles in time is not failed by its neighbours, and leaves no timer', async () => {
    const before = timers();
    let answer: (value: string) => void = () => undefined;
    const late = new Promise<string>((resolve) => {
      answer = resolve;
    });
    const never = new Promise<never>(() => undefined);
    const failing = withDeadline(never, 30, 'MongoDB').catch((error: unknown) => error);
    const answered = withDeadline(late, 30, 'MongoDB');
    answer('ok');
    expect(await answered).toBe('ok');
    expect(await failing).toMatchObject({ code: ErrorCode.SERVICE_UNAVAILABLE });
    expect(await withDeadline(Promise.resolve(1), 30, 'MongoDB')).toBe(1);
    expect(timers()).toBeLessThanOrEqual(before);
  });
});
