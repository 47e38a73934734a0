/**
 * Deterministic synthetic HubSpot data in the assessment schema, modelled on the peer's
 * /work/shared/bench/gen_data.py (same files, columns, formats and similar statistics; not the same
 * numbers — the random streams differ):
 *
 *   customers.csv      id,CLOSEDATE,MRR,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY
 *   noncustomers.csv   id,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY
 *   usage_actions.csv  id,WHEN_TIMESTAMP,<8 usage counters>
 *
 * A latent engagement drives usage volume and recency; conversion rises with engagement, size and
 * Alexa rank, plus an industry effect. About 4 % convert, ~5 % of ALEXA_RANK / INDUSTRY are missing,
 * ~0.5 % of non-customer rows are duplicated and a few usage rows belong to unknown ids. Customers
 * keep using the product after CLOSEDATE, so a pipeline that ignores the cutoff leaks the label.
 * Same arguments ⇒ byte-identical files.
 */
import { closeSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { EMPLOYEE_RANGE_ORDER, USAGE_COUNTERS } from '../../../shared/config/constants';
import { Rng } from '../util/rng';
import { discrete, exponential, gamma2, poisson, sigmoid } from './random';

export const INDUSTRIES = [
  'COMPUTER_SOFTWARE',
  'MARKETING_AND_ADVERTISING',
  'INFORMATION_TECHNOLOGY_AND_SERVICES',
  'INTERNET',
  'FINANCIAL_SERVICES',
  'HEALTH_WELLNESS_AND_FITNESS',
  'REAL_ESTATE',
  'EDUCATION_MANAGEMENT',
  'CONSTRUCTION',
  'RETAIL',
  'HOSPITAL_HEALTH_CARE',
  'MANAGEMENT_CONSULTING',
  'NONPROFIT_ORGANIZATION_MANAGEMENT',
  'INSURANCE',
  'STAFFING_AND_RECRUITING',
  'HOSPITALITY',
  'AUTOMOTIVE',
  'E_LEARNING',
  'ACCOUNTING',
  'TELECOMMUNICATIONS',
  'MECHANICAL_OR_INDUSTRIAL_ENGINEERING',
  'CONSUMER_SERVICES',
  'LEGAL_SERVICES',
  'LOGISTICS_AND_SUPPLY_CHAIN',
  'RESTAURANTS',
  'FOOD_AND_BEVERAGES',
  'APPAREL_AND_FASHION',
  'ENTERTAINMENT',
  'ARCHITECTURE_AND_PLANNING',
  'MEDICAL_DEVICES',
  'MARKET_RESEARCH',
  'PUBLIC_RELATIONS_AND_COMMUNICATIONS',
  'EVENTS_SERVICES',
  'ONLINE_MEDIA',
  'OTHER',
] as const;

const EMPLOYEE_P = [0.12, 0.22, 0.16, 0.16, 0.11, 0.13, 0.07, 0.025, 0.005];
const ALEXA_UNRANKED = 16000001;
const N_WEEKS = 96; // weekly usage rows starting 2019-01-07 (a Monday)
const FIRST_WEEK_MS = Date.UTC(2019, 0, 7);
const CLOSE_START_MS = Date.UTC(2019, 0, 1);
const N_CLOSE_DAYS = 700;
const DAY_MS = 86_400_000;
const ACTION_LOGMEAN = [2.3, 1.2, 0.6, 1.8];
const ACTION_ZERO = [0.25, 0.45, 0.65, 0.4];

export interface GenerateOptions {
  companies: number;
  seed: number;
  outDir: string;
  posRate?: number;
  usagePerCompany?: number;
  missingRate?: number;
  dupRate?: number;
  orphanRate?: number;
  unrankedRate?: number;
}

export interface GenerateInfo {
  companies: number;
  seed: number;
  customers: number;
  noncustomer_rows: number;
  noncustomer_duplicate_rows: number;
  usage_rows: number;
  orphan_usage_rows: number;
  companies_with_usage: number;
  pos_rate: number;
  gen_s: number;
  total_s: number;
  files: string[];
}

const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/**
 * Streams CSV to a file through a 4 MB byte buffer. Integers are written digit by digit and fixed
 * text as pre-encoded bytes: building one JS string per row was most of the generator's time.
 */
class CsvFile {
  private fd: number;
  private buf = Buffer.allocUnsafe(1 << 22);
  private pos = 0;
  private digits = new Uint8Array(24);
  constructor(file: string, header: string) {
    this.fd = openSync(file, 'w');
    this.text(header);
    this.end();
  }
  /** Room for `n` more bytes. */
  reserve(n: number): void {
    if (this.pos + n > this.buf.length) this.flush();
  }
  text(s: string): void {
    this.reserve(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
  }
  bytes(b: Uint8Array): void {
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }
  int(v: number): void {
    let x = v;
    if (x < 0) {
      this.buf[this.pos++] = 45; // '-'
      x = -x;
    }
    let k = 0;
    do {
      this.digits[k++] = 48 + (x % 10);
      x = Math.floor(x / 10);
    } while (x > 0);
    while (k > 0) this.buf[this.pos++] = this.digits[--k];
  }
  comma(): void {
    this.buf[this.pos++] = 44;
  }
  end(): void {
    this.buf[this.pos++] = 10;
  }
  flush(): void {
    if (this.pos > 0) writeSync(this.fd, this.buf, 0, this.pos);
    this.pos = 0;
  }
  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}

/** Intercept b with mean(sigmoid(b + score)) = target, by bisection on up to 200k scores. */
function solveIntercept(score: Float64Array, target: number): number {
  const step = Math.max(1, Math.floor(score.length / 200_000));
  let lo = -30;
  let hi = 30;
  for (let it = 0; it < 60; it++) {
    const mid = 0.5 * (lo + hi);
    let s = 0;
    let m = 0;
    for (let i = 0; i < score.length; i += step, m++) s += sigmoid(mid + score[i]);
    if (s / m > target) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

export function generateSample(options: GenerateOptions): GenerateInfo {
  const t0 = performance.now();
  const n = Math.trunc(options.companies);
  if (!(n >= 1)) throw new Error(`companies must be a positive integer, got ${options.companies}`);
  const posRate = options.posRate ?? 0.04;
  const usagePerCompany = options.usagePerCompany ?? 5;
  const missingRate = options.missingRate ?? 0.05;
  const dupRate = options.dupRate ?? 0.005;
  const orphanRate = options.orphanRate ?? 0.002;
  const unrankedRate = options.unrankedRate ?? 0.2;
  mkdirSync(options.outDir, { recursive: true });

  const root = new Rng(options.seed);
  const rAttr = root.fork(1);
  const rLabel = root.fork(2);
  const rUsage = root.fork(3);
  const rFiles = root.fork(4);

  // ---- company attributes
  const pickSize = discrete(EMPLOYEE_P);
  const pickIndustry = discrete(INDUSTRIES.map((_, k) => 1 / (k + 1) ** 0.9));
  const fixed = new Rng(12345); // industry effects do not depend on the seed
  const indEffect = INDUSTRIES.map((_, k) => fixed.normal() * 0.35 + (k < 3 ? 0.3 : 0));

  const size = new Uint8Array(n);
  const industry = new Int8Array(n);
  const alexa = new Float64Array(n);
  const engage = new Float64Array(n);
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = pickSize(rAttr);
    size[i] = s;
    const sizeC = (s - 2.5) / 2;
    industry[i] = pickIndustry(rAttr);
    const logRank = Math.min(7.15, Math.max(0, 6.4 - 0.28 * s + rAttr.normal() * 0.8));
    const unranked = rAttr.next() < unrankedRate * Math.exp(-0.15 * s);
    alexa[i] = unranked ? ALEXA_UNRANKED : Math.max(1, Math.round(10 ** logRank));
    const web = unranked ? -1 : (6 - logRank) / 1.5;
    engage[i] = rAttr.normal() + 0.12 * sizeC + 0.15 * web;
    score[i] = 1.05 * engage[i] + 0.35 * sizeC + 0.25 * web + indEffect[industry[i]] + rAttr.normal() * 0.6;
  }
  const b0 = solveIntercept(score, posRate);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = rLabel.next() < sigmoid(b0 + score[i]) ? 1 : 0;
    if (rLabel.next() < missingRate) alexa[i] = NaN;
    if (rLabel.next() < missingRate) industry[i] = -1;
  }

  // ---- usage rows: per company a run of weekly rows (every week or every other week)
  const nrows = new Int32Array(n);
  const first = new Int32Array(n);
  const step = new Uint8Array(n);
  let lamSum = 0;
  const lam = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    lam[i] = Math.exp(0.55 * engage[i] + 0.45 * y[i]);
    lamSum += lam[i];
  }
  const lamScale = (usagePerCompany * n) / lamSum;
  let total = 0;
  for (let i = 0; i < n; i++) {
    const st = rUsage.next() < 0.7 ? 1 : 2;
    const k = Math.min(poisson(rUsage, lam[i] * lamScale), N_WEEKS, Math.floor((N_WEEKS - 1) / st) + 1);
    const span = Math.max(0, k - 1) * st;
    const gap = Math.floor(exponential(rUsage, Math.exp(2.2 - 0.6 * engage[i] - 0.8 * y[i])));
    const last = Math.max(N_WEEKS - 1 - gap, span);
    nrows[i] = k;
    step[i] = st;
    first[i] = last - span;
    total += k;
  }
  const nOrphan = Math.round(orphanRate * total);
  const rowsAll = total + nOrphan;
  const uId = new Int32Array(rowsAll);
  const uWeek = new Uint8Array(rowsAll);
  const counts = new Int32Array(rowsAll * 8);
  const seats = (i: number) => 1 + 0.35 * size[i];
  let r = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < nrows[i]; j++, r++) {
      uId[r] = i + 1;
      uWeek[r] = first[i] + j * step[i];
      const eRow = engage[i] + 0.6 * y[i] + rUsage.normal() * 0.5;
      for (let a = 0; a < 4; a++) {
        const used = rUsage.next() >= ACTION_ZERO[a] * sigmoid(-0.8 * eRow) * 2;
        const mu = Math.exp(ACTION_LOGMEAN[a] + 0.7 * eRow);
        const cnt = used ? poisson(rUsage, gamma2(rUsage, mu / 2)) : 0;
        counts[r * 8 + a] = cnt;
        counts[r * 8 + 4 + a] = cnt > 0 ? Math.min(cnt, 1 + poisson(rUsage, 0.25 * seats(i))) : 0;
      }
    }
  }
  const orphanSpan = Math.max(1, Math.floor(nOrphan / 3));
  const orphanStart = r;
  for (let o = 0; o < nOrphan; o++, r++) {
    uId[r] = n + 1 + rUsage.int(orphanSpan);
    uWeek[r] = rUsage.int(N_WEEKS);
    for (let a = 0; a < 4; a++) {
      const cnt = poisson(rUsage, 3);
      counts[r * 8 + a] = cnt;
      counts[r * 8 + 4 + a] = Math.min(cnt, 1);
    }
  }
  // export order: by week, then id (company rows are already in id order; orphans sorted by id)
  const orphanIdx = Array.from({ length: nOrphan }, (_, k) => orphanStart + k).sort((a, b) => uId[a] - uId[b]);
  const order = new Int32Array(rowsAll);
  const weekStart = new Int32Array(N_WEEKS + 1);
  for (let k = 0; k < rowsAll; k++) weekStart[uWeek[k] + 1]++;
  for (let w = 0; w < N_WEEKS; w++) weekStart[w + 1] += weekStart[w];
  const fill = weekStart.slice(0, N_WEEKS);
  for (let k = 0; k < orphanStart; k++) order[fill[uWeek[k]]++] = k;
  for (const k of orphanIdx) order[fill[uWeek[k]]++] = k;

  // ---- customers' close dates and MRR; duplicated non-customer rows
  const closeDay = new Int32Array(n);
  const mrr = new Float64Array(n);
  const dupOf = new Uint8Array(n);
  let customers = 0;
  let nonRows = 0;
  for (let i = 0; i < n; i++) {
    if (y[i]) {
      customers++;
      const base = nrows[i] > 0 ? (FIRST_WEEK_MS - CLOSE_START_MS) / DAY_MS + 7 * first[i] : rFiles.int(N_CLOSE_DAYS);
      closeDay[i] = Math.min(N_CLOSE_DAYS - 1, Math.max(0, base + rFiles.int(120)));
      mrr[i] = Math.exp(5.2 + 0.38 * size[i] + rFiles.normal() * 0.7);
    } else nonRows++;
  }
  const nDup = Math.round(dupRate * nonRows);
  if (nDup > 0) {
    const non: number[] = [];
    for (let i = 0; i < n; i++) if (!y[i]) non.push(i);
    // partial Fisher–Yates: nDup distinct non-customers
    for (let k = 0; k < nDup; k++) {
      const j = k + rFiles.int(non.length - k);
      [non[k], non[j]] = [non[j], non[k]];
      dupOf[non[k]] = 1;
    }
  }
  const tGen = (performance.now() - t0) / 1000;

  // ---- files
  const weekVocab = Array.from({ length: N_WEEKS }, (_, w) => `${isoDay(FIRST_WEEK_MS + 7 * w * DAY_MS)} 00:00:00`);
  const closeVocab = Array.from({ length: N_CLOSE_DAYS }, (_, d) => isoDay(CLOSE_START_MS + d * DAY_MS));
  const employee = EMPLOYEE_RANGE_ORDER as readonly string[];
  const industryText = (i: number) => (industry[i] < 0 ? '' : INDUSTRIES[industry[i]]);
  const alexaText = (i: number) => (Number.isNaN(alexa[i]) ? '' : alexa[i].toFixed(1));
  const out = (f: string) => path.join(options.outDir, f);

  const cust = new CsvFile(out('customers.csv'), 'id,CLOSEDATE,MRR,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY');
  const nonc = new CsvFile(out('noncustomers.csv'), 'id,ALEXA_RANK,EMPLOYEE_RANGE,INDUSTRY');
  for (let i = 0; i < n; i++) {
    if (y[i]) {
      cust.text(
        `${i + 1},${closeVocab[closeDay[i]]},${mrr[i].toFixed(2)},${alexaText(i)},${employee[size[i]]},${industryText(i)}\n`,
      );
    } else {
      const line = `${i + 1},${alexaText(i)},${employee[size[i]]},${industryText(i)}\n`;
      nonc.text(line);
      if (dupOf[i]) nonc.text(line); // duplicates sit next to the original
    }
  }
  cust.close();
  nonc.close();
  const usage = new CsvFile(out('usage_actions.csv'), ['id', 'WHEN_TIMESTAMP', ...USAGE_COUNTERS].join(','));
  const weekBytes = weekVocab.map((w) => Buffer.from(`,${w}`, 'latin1'));
  for (let k = 0; k < rowsAll; k++) {
    const q = order[k];
    const c = q * 8;
    usage.reserve(200);
    usage.int(uId[q]);
    usage.bytes(weekBytes[uWeek[q]]);
    for (let j = 0; j < 8; j++) {
      usage.comma();
      usage.int(counts[c + j]);
    }
    usage.end();
  }
  usage.close();

  const companiesWithUsage = nrows.reduce((a, k) => a + (k > 0 ? 1 : 0), 0);
  const info: GenerateInfo = {
    companies: n,
    seed: options.seed,
    customers,
    noncustomer_rows: nonRows + nDup,
    noncustomer_duplicate_rows: nDup,
    usage_rows: rowsAll,
    orphan_usage_rows: nOrphan,
    companies_with_usage: companiesWithUsage,
    pos_rate: Math.round((customers / n) * 1e5) / 1e5,
    gen_s: Math.round(tGen * 1000) / 1000,
    total_s: Math.round(performance.now() - t0) / 1000,
    files: ['customers.csv', 'noncustomers.csv', 'usage_actions.csv'],
  };
  const { gen_s: _g, total_s: _t, ...stable } = info;
  // timings are left out of gen_info.json so that the whole folder is byte-identical per seed
  writeFileSync(out('gen_info.json'), JSON.stringify(stable, null, 1) + '\n');
  return info;
}
