import type { SignatureColumn } from '../../../shared/model/signature';

export interface ScoreReply {
  status: number;
  ms: number;
  /** Parsed JSON, or the raw text when the reply is not JSON. */
  body: unknown;
  /** `X-Model-Version` when the server exposes it to this origin. */
  modelVersion: string | null;
}

/**
 * Sends a real `POST <url>/score` from the page: `Content-Type: application/json`, no credentials,
 * no other headers (the scoring port must answer the CORS preflight for the UI's origin).
 */
export async function sendScore(url: string, body: string): Promise<ScoreReply> {
  const started = performance.now();
  const res = await fetch(`${url.replace(/\/$/, '')}/score`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body,
  });
  const text = await res.text();
  const ms = performance.now() - started;
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep the text
  }
  return { status: res.status, ms, body: parsed, modelVersion: res.headers.get('X-Model-Version') };
}

/** Form values (strings; empty = missing) → one scoring record typed by the signature. */
export function recordFromForm(
  columns: SignatureColumn[],
  values: Record<string, string>,
): Record<string, string | number | null> {
  const record: Record<string, string | number | null> = {};
  for (const c of columns) {
    const raw = (values[c.name] ?? '').trim();
    if (raw === '') record[c.name] = null;
    else if (c.type === 'number') record[c.name] = Number.isFinite(Number(raw)) ? Number(raw) : raw;
    else record[c.name] = raw;
  }
  return record;
}
