import { describe, expect, it } from 'vitest';
import { parseByteSize } from './body';
import { parseCsv } from './csv';
import { HttpError } from './http-error';
import { markNonFinite, parseJsonBody } from './json';

describe('parseCsv', () => {
  it('reads quoted fields, escaped quotes, embedded newlines, CRLF and a BOM', () => {
    expect(parseCsv('\ufeffa,b\r\n"x, y","say ""hi"""\n"multi\nline",\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['multi\nline', ''],
    ]);
  });
  it('keeps a last line without a newline and rejects an unterminated quote', () => {
    expect(parseCsv('a\n1')).toEqual([['a'], ['1']]);
    expect(() => parseCsv('a\n"1')).toThrow(HttpError);
  });
});

describe('non-finite JSON tokens', () => {
  it('marks NaN / Infinity / -Infinity outside strings only', () => {
    const marked = markNonFinite('{"a": NaN, "b": [-Infinity, Infinity], "c": "NaN \\" Infinity"}');
    expect(JSON.parse(marked!)).toEqual({
      a: '\u0000NaN',
      b: ['\u0000-Infinity', '\u0000Infinity'],
      c: 'NaN " Infinity',
    });
    expect(markNonFinite('{"a": 1}')).toBeUndefined();
  });
  it('parses standard JSON directly and reports syntax errors as 400', () => {
    expect(parseJsonBody('{"a": [1, 2]}')).toEqual({ a: [1, 2] });
    expect(() => parseJsonBody('{"a": NaN,')).toThrow(/Invalid JSON/);
  });
});

describe('parseByteSize', () => {
  it('reads units', () => {
    expect(parseByteSize('512kb')).toBe(512 * 1024);
    expect(parseByteSize('20mb')).toBe(20 * 1024 * 1024);
    expect(parseByteSize('100')).toBe(100);
    expect(() => parseByteSize('lots')).toThrow(/Invalid size/);
  });
});
