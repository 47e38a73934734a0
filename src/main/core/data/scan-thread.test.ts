import { appendFileSync, readFileSync, rmSync, statSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprintFiles } from './fingerprint';
import { usageSample } from './fixtures/usage-sample';
import { lineStartAt, scanPlainCsv, type PlainTable } from './plain-csv';
import {
  chunksOf,
  claimBoard,
  LOADING_THREAD,
  runScanJob,
  scanClaimedChunks,
  SCAN_WORKER,
  startScan,
  type ChunkScan,
  type ScanJob,
} from './scan-thread';

function job(chunkBytes = 4096): ScanJob {
  const { files, header, kinds } = usageSample(500, 8);
  const chunks = chunksOf(files[2], lineStartAt(files[2], 1), statSync(files[2]).size, chunkBytes);
  return { files, file: files[2], header, kinds, chunks, board: claimBoard(chunks.length) };
}

/** The chunks' rows in chunk order, one array per column. */
function joined(scans: ChunkScan[]): Record<string, number[]> {
  const tables: PlainTable[] = scans
    .flatMap((s) => (s.plain ? s.chunks : []))
    .sort((a, b) => a.chunk - b.chunk)
    .map((c) => c.table);
  const out: Record<string, number[]> = {};
  for (const t of tables) for (const [name, values] of t.numbers) (out[name] ??= []).push(...values);
  return out;
}

async function wholeFile(j: ScanJob): Promise<Record<string, number[]>> {
  const whole = await scanPlainCsv(j.file, j.header, j.kinds);
  if (!whole.plain) throw new Error(whole.reason);
  return Object.fromEntries([...whole.table.numbers].map(([name, values]) => [name, [...values]]));
}

describe('chunksOf', () => {
  it('cuts the data lines at line starts into about the asked size, covering them once', () => {
    const j = job();
    const text = readFileSync(j.file);
    const size = text.length;
    const from = lineStartAt(j.file, 1);
    expect(j.chunks.length).toBe(Math.round((size - from) / 4096));
    expect(j.chunks[0].from).toBe(from);
    expect(j.chunks.at(-1)!.to).toBe(size);
    for (const [k, c] of j.chunks.entries()) {
      expect(c.to).toBeGreaterThan(c.from);
      expect(text[c.from - 1]).toBe(10); // a line start
      if (k > 0) expect(c.from).toBe(j.chunks[k - 1].to);
    }
    expect(chunksOf(j.file, from, size, 1 << 30)).toEqual([{ from, to: size }]);
  });
});

describe('the usage scan shared with a worker thread', () => {
  it('gives, with this thread taking chunks too, the whole file in order and the inputs fingerprint', async () => {
    const j = job();
    const there = startScan(j);
    const here = await scanClaimedChunks(j, LOADING_THREAD);
    const result = await there.result;
    expect(result.fingerprint).toBe(await fingerprintFiles(j.files));
    expect(here.plain && result.scan.plain).toBe(true);
    const counts = [here, result.scan].map((s) => (s.plain ? s.chunks.length : 0));
    expect(counts[0] + counts[1]).toBe(j.chunks.length);
    expect(joined([here, result.scan])).toEqual(await wholeFile(j));
  });

  it('hands each chunk over as soon as the worker scans it, once, when asked to', async () => {
    const j = job(2048);
    const got: number[] = [];
    const tables = new Map<number, PlainTable>();
    const there = startScan(j, (c) => {
      got.push(c.chunk);
      tables.set(c.chunk, c.table);
    });
    const here = await scanClaimedChunks(j, LOADING_THREAD, (c) => tables.set(c.chunk, c.table));
    const result = await there.result;
    expect(here).toEqual({ plain: true, chunks: [] });
    expect(result.scan).toEqual({ plain: true, chunks: [] });
    expect(new Set(got).size).toBe(got.length);
    expect(tables.size).toBe(j.chunks.length);
    const chunks = [...tables].map(([chunk, table]) => ({ chunk, table }));
    expect(joined([{ plain: true, chunks }])).toEqual(await wholeFile(j));
  });

  it('scans again the chunks a worker took before it died, and the rest', async () => {
    const j = job();
    const board = new Int32Array(j.board);
    board[0] = 3; // chunks 0 and 2 taken by a worker that then ended, chunk 1 by this thread
    board[1] = SCAN_WORKER;
    board[2] = LOADING_THREAD;
    board[3] = SCAN_WORKER;
    const mine = await scanPlainCsv(j.file, j.header, j.kinds, j.chunks[1]);
    if (!mine.plain) throw new Error(mine.reason);
    const rescued = await runScanJob(j);
    expect(rescued.scan.plain && rescued.scan.chunks.map((c) => c.chunk)).toEqual([0, ...[...j.chunks.keys()].slice(2)]);
    expect(joined([rescued.scan, { plain: true, chunks: [{ chunk: 1, table: mine.table }] }])).toEqual(await wholeFile(j));
  });

  it('stops both threads at a line that is not plain', async () => {
    const j = job();
    appendFileSync(j.file, '1,"2019-03-04 00:00:00",1,1,1,1,1,1,1,1\n');
    j.chunks[j.chunks.length - 1].to = statSync(j.file).size;
    const board = new Int32Array(j.board);
    board[0] = j.chunks.length - 1; // only the last chunk, with the quoted line, is left
    const scan = await scanClaimedChunks(j, LOADING_THREAD);
    expect(scan).toEqual({ plain: false, reason: `a line after byte ${j.chunks.at(-1)!.from} is not plain` });
    expect(board[0]).toBeGreaterThanOrEqual(j.chunks.length);
    expect(await scanClaimedChunks(j, SCAN_WORKER)).toEqual({ plain: true, chunks: [] });
  });

  it('reports an unreadable file as an error', async () => {
    const j = job();
    rmSync(j.files[2]);
    await expect(startScan(j).result).rejects.toThrow(/ENOENT/);
  });

  it('can be cancelled: the result never settles and nothing is thrown', async () => {
    const task = startScan(job());
    task.cancel();
    const outcome = await Promise.race([
      task.result.then(
        () => 'settled',
        () => 'settled',
      ),
      new Promise((r) => setTimeout(() => r('pending'), 1500)),
    ]);
    expect(outcome).toBe('pending');
  });
});
