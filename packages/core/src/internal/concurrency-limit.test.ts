import { describe, expect, it } from 'vitest';
import { concurrencyLimit as limitOf } from './concurrency-limit';

const concurrencyLimit = (limit: number) => limitOf(limit, () => new Error('skipped'));

/** A task that stays running until `finish` is called, recording how many ran at once. */
function gate() {
  let active = 0;
  let peak = 0;
  const started: number[] = [];
  const finishers = new Map<number, (value: number) => void>();
  const failers = new Map<number, (error: Error) => void>();
  const task = (id: number) => () =>
    new Promise<number>((resolve, reject) => {
      active += 1;
      peak = Math.max(peak, active);
      started.push(id);
      finishers.set(id, (value) => {
        active -= 1;
        resolve(value);
      });
      failers.set(id, (error) => {
        active -= 1;
        reject(error);
      });
    });
  const settle = () => new Promise((resolve) => setTimeout(resolve, 0));
  return {
    task,
    settle,
    started,
    peak: () => peak,
    finish: (id: number) => finishers.get(id)?.(id),
    fail: (id: number) => failers.get(id)?.(new Error(`task ${id} failed`)),
  };
}

describe('concurrencyLimit', () => {
  it('runs at most `limit` tasks at once and starts the others first come, first served', async () => {
    const g = gate();
    const limited = concurrencyLimit(2);
    const results = [1, 2, 3, 4, 5].map((id) => limited(g.task(id)));
    await g.settle();
    expect(g.started).toEqual([1, 2]);
    g.finish(2);
    await g.settle();
    expect(g.started).toEqual([1, 2, 3]);
    g.finish(1);
    g.finish(3);
    await g.settle();
    expect(g.started).toEqual([1, 2, 3, 4, 5]);
    g.finish(4);
    g.finish(5);
    expect(await Promise.all(results)).toEqual([1, 2, 3, 4, 5]);
    expect(g.peak()).toBe(2);
  });

  it('frees the slot of a task that fails, and passes the failure on', async () => {
    const g = gate();
    const limited = concurrencyLimit(1);
    const first = limited(g.task(1));
    const second = limited(g.task(2));
    await g.settle();
    g.fail(1);
    await expect(first).rejects.toThrow('task 1 failed');
    await g.settle();
    expect(g.started).toEqual([1, 2]);
    g.finish(2);
    expect(await second).toBe(2);
  });

  it('keeps working after its queue drained (slots are neither lost nor doubled)', async () => {
    const g = gate();
    const limited = concurrencyLimit(1);
    for (const round of [0, 10]) {
      const results = [1, 2, 3].map((n) => limited(g.task(round + n)));
      for (const n of [1, 2, 3]) {
        await g.settle();
        expect(g.started.at(-1)).toBe(round + n);
        g.finish(round + n);
      }
      await Promise.all(results);
    }
    expect(g.peak()).toBe(1);
  });

  it('with Infinity, starts every task at once', async () => {
    const g = gate();
    const limited = concurrencyLimit(Number.POSITIVE_INFINITY);
    const results = [1, 2, 3].map((id) => limited(g.task(id)));
    expect(g.started).toEqual([1, 2, 3]);
    for (const id of [1, 2, 3]) g.finish(id);
    expect(await Promise.all(results)).toEqual([1, 2, 3]);
  });

  it('drops a waiting task whose skip check says so when its turn comes, and passes the turn on', async () => {
    const g = gate();
    const limited = concurrencyLimit(1);
    let gone = false;
    const first = limited(g.task(1));
    const second = limited(g.task(2), () => gone);
    const third = limited(g.task(3));
    await g.settle();
    gone = true;
    g.finish(1);
    await expect(second).rejects.toThrow('skipped');
    await g.settle();
    expect(g.started).toEqual([1, 3]);
    g.finish(3);
    expect(await Promise.all([first, third])).toEqual([1, 3]);
    // The slot was passed on, not lost: the next task starts at once.
    const fourth = limited(g.task(4));
    await g.settle();
    expect(g.started).toEqual([1, 3, 4]);
    g.finish(4);
    expect(await fourth).toBe(4);
    expect(g.peak()).toBe(1);
  });

  it('drops a task whose skip check is already true before it takes a slot', async () => {
    for (const limit of [1, Number.POSITIVE_INFINITY]) {
      const g = gate();
      const limited = concurrencyLimit(limit);
      await expect(limited(g.task(1), () => true)).rejects.toThrow('skipped');
      expect(g.started).toEqual([]);
      const next = limited(g.task(2));
      await g.settle();
      expect(g.started).toEqual([2]);
      g.finish(2);
      expect(await next).toBe(2);
    }
  });

  it('never drops a task that has started', async () => {
    const g = gate();
    const limited = concurrencyLimit(1);
    let gone = false;
    const first = limited(g.task(1), () => gone);
    await g.settle();
    gone = true;
    g.finish(1);
    expect(await first).toBe(1);
  });
});
