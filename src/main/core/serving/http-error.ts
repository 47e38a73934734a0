import type { ServerResponse } from 'node:http';

export type ErrorCode =
  | 'invalid_json'
  | 'invalid_request'
  | 'invalid_record'
  | 'missing_field'
  | 'wrong_type'
  | 'non_finite'
  | 'empty_batch'
  | 'batch_too_large'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'no_champion'
  | 'not_found'
  | 'method_not_allowed'
  | 'client_closed'
  | 'internal';

/** An error that becomes a JSON reply `{"error": {code, message, index?, field?}}` with `status`. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly index?: number,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }

  body(): { error: { code: ErrorCode; message: string; index?: number; field?: string } } {
    const error: { code: ErrorCode; message: string; index?: number; field?: string } = {
      code: this.code,
      message: this.message,
    };
    if (this.index !== undefined) error.index = this.index;
    if (this.field !== undefined) error.field = this.field;
    return { error };
  }
}

/** Writes a JSON reply on a plain Node response (the scoring routes do not go through Express). */
export function sendJson(
  res: ServerResponse,
  status: number,
  json: string,
  headers?: Record<string, string>,
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  if (headers) for (const k in headers) res.setHeader(k, headers[k]);
  res.end(json);
}

export function sendError(res: ServerResponse, err: HttpError, headers?: Record<string, string>): void {
  sendJson(res, err.status, JSON.stringify(err.body()), headers);
}
