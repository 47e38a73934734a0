import cliProgress from 'cli-progress';
import type { ProgressUpdate } from '../core/training/protocol';

/** A progress bar on a terminal; one line per stage change (and every 10 %) elsewhere. */
export function createProgressReporter(enabled: boolean): { update(p: ProgressUpdate): void; stop(): void } {
  if (!enabled) return { update() {}, stop() {} };
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
      const decile = Math.floor(p.percent / 10);
      if (p.stage !== lastStage || decile !== lastDecile) {
        process.stderr.write(`[${String(Math.round(p.percent)).padStart(3)}%] ${p.stage} ${detailOf(p)}\n`);
        lastStage = p.stage;
        lastDecile = decile;
      }
    },
    stop() {},
  };
}

function detailOf(p: ProgressUpdate): string {
  const parts: string[] = [];
  if (p.message) parts.push(p.message);
  if (p.iteration !== undefined && p.total !== undefined) parts.push(`${p.iteration}/${p.total}`);
  if (p.valid_auc !== undefined && Number.isFinite(p.valid_auc))
    parts.push(`valid AUC ${p.valid_auc.toFixed(4)}`);
  else if (p.train_loss !== undefined && Number.isFinite(p.train_loss))
    parts.push(`train loss ${p.train_loss.toFixed(4)}`);
  return parts.join(' · ');
}
