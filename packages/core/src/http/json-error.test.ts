import { describe, expect, test } from 'vitest';
import { pythonJsonError } from './json-error';

describe("pythonJsonError: Python json's offsets and messages", () => {
  test.each([
    ['', 0, 'Expecting value'],
    ['not json', 0, 'Expecting value'],
    ['{"email": }', 10, 'Expecting value'],
    ['{', 1, 'Expecting property name enclosed in double quotes'],
    ['{"a" 1}', 5, "Expecting ':' delimiter"],
    ['{"a": 1 "b": 2}', 8, "Expecting ',' delimiter"],
    ['[1 2]', 3, "Expecting ',' delimiter"],
    ['"abc', 0, 'Unterminated string starting at'],
    ['{"a": "x\ny"}', 8, 'Invalid control character at'],
    ['{"a": "\\q"}', 7, "Invalid \\escape: 'q'"],
    ['{} x', 3, 'Extra data'],
    ['{"é": ]', 6, 'Expecting value'],
  ])('%j → offset %i, %s', (text, pos, msg) => {
    expect(pythonJsonError(text)).toEqual({ pos, msg });
  });
});
