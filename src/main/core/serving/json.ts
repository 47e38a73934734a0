/**
 * JSON bodies. Standard JSON has no NaN or Infinity, but Python's json.dumps writes them; rather than
 * a bare syntax error, such a body is re-read with those tokens turned into marker strings so that
 * record validation can name the record and field that carried them.
 */
import { HttpError } from './http-error';

/** Marker strings start with NUL, which no real category value does. */
export const NON_FINITE_MARK = '\u0000';

export function isNonFiniteMark(v: unknown): v is string {
  return typeof v === 'string' && v.charCodeAt(0) === 0;
}

/** Replaces NaN, Infinity and -Infinity outside strings by JSON marker strings; undefined if none. */
export function markNonFinite(text: string): string | undefined {
  let out = '';
  let last = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
      continue;
    }
    if (c === 34) {
      inString = true;
      continue;
    }
    let token: string | undefined;
    if (c === 78 /* N */ && text.startsWith('NaN', i)) token = 'NaN';
    else if (c === 73 /* I */ && text.startsWith('Infinity', i)) token = 'Infinity';
    else if (c === 45 /* - */ && text.startsWith('-Infinity', i)) token = '-Infinity';
    if (token) {
      out += text.slice(last, i) + `"\\u0000${token}"`;
      i += token.length - 1;
      last = i + 1;
    }
  }
  return last === 0 ? undefined : out + text.slice(last);
}

export function parseJsonBody(text: string): unknown {
  if (text.length === 0) throw new HttpError(400, 'invalid_json', 'Request body is empty; send JSON');
  try {
    return JSON.parse(text);
  } catch (err) {
    const marked = markNonFinite(text);
    if (marked !== undefined) {
      try {
        return JSON.parse(marked);
      } catch {
        // fall through to the original message
      }
    }
    throw new HttpError(400, 'invalid_json', `Invalid JSON: ${(err as Error).message}`);
  }
}
