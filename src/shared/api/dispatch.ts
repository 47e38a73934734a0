import { isApiName, type Handlers } from './contract';
import { ApiError, type RequestEnvelope, type ResponseEnvelope } from './envelope';
import { checkArgs } from './schemas';

/**
 * Runs one request envelope against the handler map and always answers with a response envelope:
 * the one function both transports call, so IPC and HTTP behave the same. Args are validated against
 * the call's schema first (`undefined` counts as `{}`), so handlers only ever see well-formed args.
 */
export async function dispatch(handlers: Handlers, req: RequestEnvelope): Promise<ResponseEnvelope> {
  const id = typeof req?.id === 'string' ? req.id : '';
  if (!isApiName(req?.name)) {
    return {
      id,
      ok: false,
      error: { code: 'unknown_method', message: `Unknown API call: ${String(req?.name)}` },
    };
  }
  const checked = checkArgs(req.name, req.args);
  if (!checked.ok) {
    return {
      id,
      ok: false,
      error: { code: 'bad_request', message: checked.message, details: { issues: checked.issues } },
    };
  }
  const handler = handlers[req.name] as (args: unknown) => Promise<unknown>;
  try {
    const value = await handler(checked.args);
    return { id, ok: true, value };
  } catch (err) {
    if (err instanceof ApiError) {
      return { id, ok: false, error: { code: err.code, message: err.message, details: err.details } };
    }
    const message = err instanceof Error ? err.message : String(err);
    return { id, ok: false, error: { code: 'internal', message } };
  }
}
