import { afterAll, expect, test } from 'vitest';
import { caseSuite } from './case-suite';

const ran: string[] = [];
let built = 0;

caseSuite<{ unique(): string }>({
  kind: 'example',
  name: 'caseSuite itself',
  cases: [
    { id: 'EX-001', title: 'runs on the context', run: async (c) => void ran.push(c.unique()) },
    {
      id: 'EX-002',
      title: 'is skipped',
      run: async () => {
        throw new Error('a skipped case ran');
      },
    },
    { id: 'EX-003', title: 'runs too', run: async (c) => void ran.push(c.unique()) },
  ],
  skip: { 'EX-002': 'shows that a skip holds' },
  context: async (unique) => {
    built += 1;
    return { unique };
  },
});

afterAll(() => {
  // One context for every case, and values that never repeat.
  expect(built).toBe(1);
  expect(ran).toHaveLength(2);
  expect(new Set(ran).size).toBe(2);
});

test('refuses a skip naming an unknown case id before anything runs', () => {
  expect(() =>
    caseSuite({
      kind: 'example',
      name: 'typo',
      cases: [],
      skip: { 'EX-404': 'x' },
      context: async () => ({}),
    }),
  ).toThrow('skip names an unknown example case id: EX-404');
});
