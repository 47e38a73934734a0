import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { usageSample } from './fixtures/usage-sample';
import { lineStartAt, scanPlainCsv, type PlainKind, type PlainScan } from './plain-csv';
import { ASC_ARGS, SCAN_SOURCE, wasmLineParser } from './plain-kernels';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const asc = path.join(root, 'node_modules/.bin/asc');
const tmp = () => mkdtempSync(path.join(tmpdir(), 'mlsys-plainwasm-'));

const HEADER = ['id', 'WHEN_TIMESTAMP', 'A', 'note', 'B'];
const KINDS: Record<string, PlainKind> = { id: 'id', WHEN_TIMESTAMP: 'timestamp!', A: 'number', B: 'number' };

/** The scan of `file` by the wasm loop and by the JavaScript loop. */
async function bothLoops(file: string, header = HEADER, kinds = KINDS, range?: { from: number; to: number }) {
  const wasm = await scanPlainCsv(file, header, kinds, range, { wasm: true });
  const js = await scanPlainCsv(file, header, kinds, range, { wasm: false });
  return { wasm, js };
}

/** Equal outcomes, and bit-identical columns when plain (NaN and -0 included). */
function expectSame(a: PlainScan, b: PlainScan): void {
  expect(a.plain).toBe(b.plain);
  if (!a.plain || !b.plain) {
    expect(a).toEqual(b);
    return;
  }
  expect(a.table.rows).toBe(b.table.rows);
  expect([...a.table.numbers.keys()]).toEqual([...b.table.numbers.keys()]);
  expect([...a.table.texts.keys()]).toEqual([...b.table.texts.keys()]);
  for (const [name, t] of a.table.texts) {
    const other = b.table.texts.get(name)!;
    expect(t.values, name).toEqual(other.values);
    expect(Buffer.from(t.codes.buffer, t.codes.byteOffset, t.codes.byteLength).equals(Buffer.from(other.codes.buffer, other.codes.byteOffset, other.codes.byteLength)), name).toBe(true);
  }
  for (const [name, values] of a.table.numbers) {
    const other = b.table.numbers.get(name)!;
    const bytes = (v: Float64Array) => Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    expect(bytes(values).equals(bytes(other)), name).toBe(true);
  }
}

describe('the wasm line loop of the plain scan', () => {
  it.skipIf(!existsSync(asc))('is what asc builds from SCAN_SOURCE', () => {
    const dir = tmp();
    try {
      writeFileSync(path.join(dir, 'scan.ts'), SCAN_SOURCE);
      const out = path.join(dir, 'scan.wasm');
      const r = spawnSync(asc, [path.join(dir, 'scan.ts'), '--outFile', out, ...ASC_ARGS], { encoding: 'utf8' });
      expect(r.status, r.stderr).toBe(0);
      expect(wasmLineParser(Int32Array.of(0), Int32Array.of(0), 1, 0, 64)).not.toBeNull();
      const embedded = readFileSync(path.join(root, 'src/main/core/data/plain-kernels.ts'), 'utf8');
      const b64 = [...embedded.matchAll(/^ {2}'([A-Za-z0-9+/=]+)',$/gm)].map((m) => m[1]).join('');
      expect(b64).toBe(readFileSync(out).toString('base64'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gives the JavaScript loop’s columns on a generated usage file, whole and in parts', async () => {
    const { file, header, kinds } = usageSample(800, 21, 5); // the other counters are skipped
    const whole = await bothLoops(file, header, kinds);
    expect(whole.wasm.plain && whole.wasm.table.rows).toBeGreaterThan(1000);
    expectSame(whole.wasm, whole.js);
    const size = readFileSync(file).length;
    const cut = lineStartAt(file, Math.floor(size / 3));
    for (const range of [
      { from: lineStartAt(file, 1), to: cut },
      { from: cut, to: size },
    ]) {
      const part = await bothLoops(file, header, kinds, range);
      expectSame(part.wasm, part.js);
    }
  });

  it('agrees on decimals of every digit count, signs, empty values, CRLF, skipped text and a last line without newline', async () => {
    const lines = ['id,WHEN_TIMESTAMP,A,note,B'];
    let i = 0;
    for (let digits = 1; digits <= 15; digits++) {
      for (let dot = 1; dot <= digits; dot++) {
        const s = String(((digits * 31 + dot * 7) % 9) + 1).repeat(digits);
        const v = dot === digits ? s : `${s.slice(0, dot)}.${s.slice(dot)}`;
        lines.push(`${i++},2019-0${1 + (i % 9)}-1${i % 10} 1${i % 10}:0${i % 10}:5${i % 10},${v},some text,-${v}`);
      }
    }
    lines.push('-5,2020-02-29,,,-0', '123456789012345,1999-12-31 23:59:59,0.00000000000001,x y z,007');
    const file = path.join(tmp(), 'usage.csv');
    writeFileSync(file, lines.join('\r\n'));
    const { wasm, js } = await bothLoops(file);
    expect(wasm.plain && wasm.table.rows).toBe(lines.length - 1);
    expectSame(wasm, js);
  });

  it('agrees past many calls and read steps, growing past a low row estimate', async () => {
    const lines = ['id,WHEN_TIMESTAMP,A,note,B'];
    for (let i = 0; i < 300; i++) lines.push(`${i},2019-01-07 00:00:00,${i},${'x'.repeat(400)},1`);
    for (let i = 300; i < 120_000; i++) lines.push(`${i},2019-01-0${1 + (i % 9)},${i % 97}.25,,${i}`);
    const file = path.join(tmp(), 'usage.csv');
    writeFileSync(file, lines.join('\n') + '\n');
    const { wasm, js } = await bothLoops(file);
    expect(wasm.plain && wasm.table.rows).toBe(lines.length - 1);
    expectSame(wasm, js);
  });

  it('gives right columns when scans on one thread overlap and when they reuse a parser', async () => {
    const files = [0, 1, 2].map((k) => {
      const lines = ['id,WHEN_TIMESTAMP,A,note,B'];
      for (let i = 0; i < 40_000 + k * 7000; i++) lines.push(`${i * (k + 1)},2019-01-0${1 + ((i + k) % 9)},${i % 13}.5,x,${k}`);
      const file = path.join(tmp(), `usage${k}.csv`);
      writeFileSync(file, lines.join('\n') + '\n');
      return file;
    });
    const alone = await Promise.all(files.map((f) => scanPlainCsv(f, HEADER, KINDS, undefined, { wasm: false })));
    for (let round = 0; round < 2; round++) {
      const together = await Promise.all(files.map((f) => scanPlainCsv(f, HEADER, KINDS)));
      together.forEach((scan, k) => expectSame(scan, alone[k]));
    }
  });

  it('codes the company files’ text columns as the JavaScript loop does, whole and in parts', async () => {
    const { files } = usageSample(3000, 23);
    const attributes: Record<string, PlainKind> = { ALEXA_RANK: 'number', EMPLOYEE_RANGE: 'text', INDUSTRY: 'text' };
    for (const [file, kinds] of [
      [files[0], { id: 'id', CLOSEDATE: 'timestamp', ...attributes }],
      [files[1], { id: 'id', ...attributes }],
    ] as const) {
      const header = readFileSync(file, 'utf8').split('\n')[0].split(',');
      const whole = await bothLoops(file, header, kinds);
      expect(whole.wasm.plain && whole.wasm.table.texts.get('INDUSTRY')!.values.length).toBeGreaterThan(5);
      expectSame(whole.wasm, whole.js);
      const size = readFileSync(file).length;
      const cut = lineStartAt(file, Math.floor(size / 2));
      const part = await bothLoops(file, header, kinds, { from: cut, to: size });
      expectSame(part.wasm, part.js);
    }
  });

  it('codes text with empty values, spaces and CRLF; restarts codes on a reused parser; falls back past 2048 values', async () => {
    const dir = tmp();
    const header = ['id', 'label', 'x'];
    const kinds: Record<string, PlainKind> = { id: 'id', label: 'text', x: 'number' };
    const small = path.join(dir, 'small.csv');
    writeFileSync(small, 'id,label,x\r\n1,b,1\r\n2,,2\r\n3, a b ,3\r\n4,b,\r\n5,a,5');
    const other = path.join(dir, 'other.csv');
    writeFileSync(other, 'id,label,x\n1,z,1\n2,b,2\n');
    for (const file of [small, other, small]) {
      const { wasm, js } = await bothLoops(file, header, kinds);
      expectSame(wasm, js);
    }
    const first = await scanPlainCsv(small, header, kinds);
    expect(first.plain && first.table.texts.get('label')).toEqual({ codes: Int32Array.from([1, 0, 2, 1, 3]), values: ['b', ' a b ', 'a'] });
    // more distinct values than the wasm dictionary holds, and long ones past its arena
    for (const value of [(i: number) => `v${i}`, (i: number) => `${'long'.repeat(20)}${i % 1000}`]) {
      const many = path.join(dir, 'many.csv');
      writeFileSync(many, ['id,label,x', ...Array.from({ length: 3000 }, (_, i) => `${i},${value(i)},${i}`)].join('\n') + '\n');
      const { wasm, js } = await bothLoops(many, header, kinds);
      expect(wasm.plain && wasm.table.texts.get('label')!.values.length).toBeGreaterThan(900);
      expectSame(wasm, js);
    }
  });

  it('rejects the same line as the JavaScript loop, with the same message, for random damage', async () => {
    let seed = 7;
    const rnd = (n: number) => (seed = (seed * 16807) % 2147483647) % n;
    const good = ['id,WHEN_TIMESTAMP,A,note,B'];
    for (let i = 0; i < 60; i++) good.push(`${i * 37},2019-0${1 + (i % 9)}-2${i % 8} 0${i % 10}:1${i % 6}:0${i % 10},${i}.5,t${i},${i % 7}`);
    const junk = ['"', ',', '\n', '\r', '.', '-', ' ', 'e', 'x', ':', '9', '', '\u00e9', '2019-02-30', '24:00:00'];
    const file = path.join(tmp(), 'usage.csv');
    let rejected = 0;
    for (let trial = 0; trial < 300; trial++) {
      const lines = [...good];
      const l = 1 + rnd(lines.length - 1);
      const at = rnd(lines[l].length + 1);
      const cut = rnd(3); // insert, replace one character, or delete one
      lines[l] = lines[l].slice(0, at) + junk[rnd(junk.length)] + lines[l].slice(at + (cut === 1 ? 1 : cut === 2 ? 1 : 0));
      writeFileSync(file, lines.join('\n') + (trial % 2 ? '\n' : ''));
      const { wasm, js } = await bothLoops(file);
      expectSame(wasm, js);
      if (!js.plain) rejected++;
      const asText = await bothLoops(file, HEADER, { ...KINDS, note: 'text' });
      expectSame(asText.wasm, asText.js);
    }
    expect(rejected).toBeGreaterThan(100);
  });
});
