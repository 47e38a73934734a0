export type Scalar = string | number | boolean | null;

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{a: {b: 1}}` → `{'a.b': 1}`; arrays are kept whole as JSON text. */
export function flattenObject(
  value: unknown,
  prefix = '',
  out: Record<string, Scalar> = {},
): Record<string, Scalar> {
  if (isPlainObject(value)) {
    for (const [k, v] of Object.entries(value)) flattenObject(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (prefix) {
    out[prefix] =
      value === undefined ? null : Array.isArray(value) ? JSON.stringify(value) : (value as Scalar);
  }
  return out;
}
