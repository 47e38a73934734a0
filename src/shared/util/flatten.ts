export type FlatValue = string | number | boolean | null;

/**
 * Flattens a nested object to dotted paths (`model.hyperparameters.max_depth`). Arrays and other
 * non-plain values become JSON strings so every value stays comparable and sortable.
 */
export function flattenObject(
  value: unknown,
  prefix = '',
  out: Record<string, FlatValue> = {},
): Record<string, FlatValue> {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out[prefix] = '{}';
    for (const [k, v] of entries) flattenObject(v, prefix ? `${prefix}.${k}` : k, out);
    return out;
  }
  if (value === undefined) return out;
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  ) {
    out[prefix] = value;
  } else {
    out[prefix] = JSON.stringify(value);
  }
  return out;
}
