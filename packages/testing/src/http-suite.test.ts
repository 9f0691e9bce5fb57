import { describe, expect, test } from 'vitest';
import { type HttpSkips, httpAdapterSuite, httpCaseIds, httpContractSuite } from './http-suite';

const start = (): never => {
  throw new Error('never started: the suite refuses the skips first');
};

describe('the HTTP suites', () => {
  test('give every case a unique, stable-looking id', () => {
    expect(new Set(httpCaseIds).size).toBe(httpCaseIds.length);
    for (const id of httpCaseIds) expect(id).toMatch(/^HTTP-[A-Z]+-\d{3}$/);
  });

  test('refuse a skip that names no case, before defining anything', () => {
    const skip = { 'HTTP-NOPE-001': 'misspelt' } as HttpSkips<string> as HttpSkips;
    expect(() => httpAdapterSuite({ name: 'x', start, skip })).toThrow(
      'skip names an unknown HTTP case id: HTTP-NOPE-001',
    );
  });

  test('refuse a skip without a reason', () => {
    expect(() => httpAdapterSuite({ name: 'x', start, skip: { 'HTTP-BODY-001': ' ' } })).toThrow(
      'skipping HTTP-BODY-001 needs a reason',
    );
  });

  test('let the contract suite skip only contract cases', () => {
    const skip = { 'HTTP-COOKIE-003': 'an adapter case' } as HttpSkips<string>;
    expect(() =>
      httpContractSuite({ name: 'x', target: start, skip: skip as HttpSkips<'HTTP-LOGIN-001'> }),
    ).toThrow('skip names an unknown HTTP case id: HTTP-COOKIE-003');
  });
});
