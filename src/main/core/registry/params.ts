/**
 * Flattens a config object into dotted paths (`model.params.max_depth` → 6). Arrays and empty objects
 * are leaves, so a list-valued setting diffs and filters as one value.
 */
export function flattenParams(
  value: unknown,
  prefix = '',
  out: Record<string, unknown> = {},
): Record<string, unknown> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length > 0) {
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      flattenParams(v, prefix ? `${prefix}.${k}` : k, out);
    }
  } else if (prefix) {
    out[prefix] = value === undefined ? null : value;
  }
  return out;
}

/** The stored form of one param: exact JSON, plus a number and a text for filtering and sorting. */
export function encodeParam(value: unknown): { value_json: string; num: number | null; text: string | null } {
  const v = value === undefined ? null : value;
  const value_json = JSON.stringify(v);
  if (typeof v === 'number') return { value_json, num: Number.isFinite(v) ? v : null, text: String(v) };
  if (typeof v === 'string') return { value_json, num: null, text: v };
  if (typeof v === 'boolean') return { value_json, num: null, text: String(v) };
  if (v === null) return { value_json, num: null, text: null };
  return { value_json, num: null, text: value_json };
}

export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
