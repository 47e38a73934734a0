import cliProgress from 'cli-progress';
import type { ProgressUpdate } from '../core/training/protocol';

/** A progress bar on a terminal; one line per stage change (and every 10 %) elsewhere. */
export function createProgressReporter(enabled: boolean): { update(p: ProgressUpdate): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
  // training metrics come every few rounds: show the latest ones on the rounds between
  const latest: Pick<ProgressUpdate, 'train_loss' | 'valid_auc'> = {};
  const detailOf = (p: ProgressUpdate) => {
    if (p.stage !== 'training') return describe(p);
    if (p.train_loss !== undefined) latest.train_loss = p.train_loss;
    if (p.valid_auc !== undefined) latest.valid_auc = p.valid_auc;
    return describe({ ...p, train_loss: latest.train_loss, valid_auc: latest.valid_auc });
  };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: ' {bar} {percentage}% | {stage} {detail}',
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: false,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(100, 0, { stage: 'starting', detail: '' });
    return {
      update(p) {
        bar.update(Math.round(p.percent), { stage: p.stage, detail: detailOf(p) });
      },
      stop() {
        bar.stop();
      },
    };
  }
  let lastStage = '';
  let lastDecile = -1;
  return {
    update(p) {
      const detail = detailOf(p);
      const decile = Math.floor(p.percent / 10);
      if (p.stage !== lastStage || decile !== lastDecile) {
        process.stderr.write(`[${String(Math.round(p.percent)).padStart(3)}%] ${p.stage} ${detail}\n`);
        lastStage = p.stage;
        lastDecile = decile;
      }
    },
    stop() {},
  };
}

function describe(p: ProgressUpdate): string {
  const parts: string[] = [];
  if (p.message) parts.push(p.message);
  if (p.iteration !== undefined && p.total !== undefined) parts.push(`${p.iteration}/${p.total}`);
  if (p.valid_auc !== undefined && Number.isFinite(p.valid_auc))
    parts.push(`valid AUC ${p.valid_auc.toFixed(4)}`);
  else if (p.train_loss !== undefined && Number.isFinite(p.train_loss))
    parts.push(`train loss ${p.train_loss.toFixed(4)}`);
  return parts.join(' · ');
}
