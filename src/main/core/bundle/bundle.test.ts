import { describe, expect, it } from 'vitest';
import { serializeBundle, type BundleDocument } from './bundle';

/** What serializeBundle wrote before: JSON.stringify with a replacer turning typed arrays into arrays. */
const viaReplacer = (doc: unknown) =>
  JSON.stringify(doc, (_key, value: unknown) =>
    ArrayBuffer.isView(value) && !(value instanceof DataView)
      ? Array.from(value as unknown as ArrayLike<number>)
      : value,
  );

describe('serializeBundle', () => {
  it('writes typed arrays as plain arrays, byte for byte as a replacer would, and leaves the document alone', () => {
    const doc = {
      kind: 'mlsys.bundle',
      a: new Float64Array([0.1, -2, NaN, 1e-300, Infinity]),
      b: [new Int32Array([1, 2]), [new Float32Array([0.5])], 3, 'x', null, undefined],
      c: { d: new Uint8Array([255]), e: undefined, f: { g: [] }, h: new Date(0) },
      i: { toJSON: () => ({ j: new Int16Array([-1]) }) },
      k: [1, 2, 3],
      l: Buffer.from('hi'),
      m: new DataView(new ArrayBuffer(2)),
    };
    const before = structuredClone({ a: doc.a, b: doc.b, k: doc.k });
    const text = serializeBundle(doc as unknown as BundleDocument);
    expect(text).toBe(viaReplacer(doc));
    expect(JSON.parse(text)).toMatchObject({
      a: [0.1, -2, null, 1e-300, null],
      b: [[1, 2], [[0.5]], 3, 'x', null, null],
    });
    expect({ a: doc.a, b: doc.b, k: doc.k }).toEqual(before);
    expect(doc.a).toBeInstanceOf(Float64Array);
  });
});
