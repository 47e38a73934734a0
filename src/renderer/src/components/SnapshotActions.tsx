import { downloadText } from '../lib/download';
import { useExportSnapshot, useStartRun } from '../queries';
import { useUi } from '../stores/ui';
import { InlineError } from './Status';

/** "Export snapshot" (downloads the resolved config YAML) and "Re-run from snapshot". */
export function SnapshotActions({ runId, runName }: { runId: string; runName: string }) {
  const exportSnapshot = useExportSnapshot();
  const start = useStartRun();
  const addLaunched = useUi((s) => s.addLaunched);
  const openRun = useUi((s) => s.openRun);

  const onExport = () =>
    exportSnapshot.mutate(runId, { onSuccess: (snap) => downloadText(snap.file_name, snap.yaml) });

  const onRerun = () =>
    exportSnapshot.mutate(runId, {
      onSuccess: (snap) =>
        start.mutate(
          { configText: snap.yaml, name: `re-run of ${runName}` },
          {
            onSuccess: (r) => {
              addLaunched(r.run_id);
              openRun(r.run_id);
            },
          },
        ),
    });

  return (
    <span className="snapshot-actions">
      <button type="button" onClick={onExport} disabled={exportSnapshot.isPending}>
        Export config snapshot
      </button>
      <button type="button" onClick={onRerun} disabled={exportSnapshot.isPending || start.isPending}>
        Re-run from snapshot
      </button>
      {exportSnapshot.isError && <InlineError what="Export failed" error={exportSnapshot.error} />}
      {start.isError && <InlineError what="Re-run failed" error={start.error} />}
    </span>
  );
}
