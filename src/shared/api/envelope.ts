/** The wire format both transports (Electron IPC and HTTP) carry unchanged. */
export interface RequestEnvelope {
  id: string;
  name: string;
  args: unknown;
}

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  details?: unknown;
}

export type ApiErrorCode =
  'bad_request' | 'not_found' | 'conflict' | 'unknown_method' | 'unauthorized' | 'forbidden' | 'internal';

export type ResponseEnvelope =
  { id: string; ok: true; value: unknown } | { id: string; ok: false; error: ApiErrorBody };

/** An error a handler throws on purpose; its code and message reach the client as they are. */
export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export interface EventEnvelope {
  event: string;
  payload: unknown;
}
