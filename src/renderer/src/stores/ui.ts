import { create } from 'zustand';

export type ViewName = 'workspace' | 'runs' | 'compare' | 'registry' | 'serving' | 'about';

export type CellName = 'config' | 'data' | 'run' | 'results';

/** UI state only: what is selected and open. Server data lives in the react-query cache. */
export interface UiState {
  view: ViewName;
  /** Runs ticked in the runs view, in the order they were ticked (compare uses this order). */
  selectedRuns: string[];
  /** Baseline run of the compare view; null = the first selected run. */
  baseline: string | null;
  /** The run the workspace's run and results cells show. */
  activeRun: string | null;
  /** Runs launched from this workspace, newest last. */
  launched: string[];
  openCells: Record<CellName, boolean>;
  /** Config file the editor was loaded from. */
  configPath: string | null;
  setView(view: ViewName): void;
  toggleRun(runId: string): void;
  setSelection(runIds: string[]): void;
  clearSelection(): void;
  setBaseline(runId: string | null): void;
  setActiveRun(runId: string | null): void;
  addLaunched(runId: string): void;
  toggleCell(cell: CellName): void;
  setConfigPath(path: string | null): void;
  /** Opens a run's results in the workspace. */
  openRun(runId: string): void;
}

const initial = {
  view: 'workspace' as ViewName,
  selectedRuns: [] as string[],
  baseline: null as string | null,
  activeRun: null as string | null,
  launched: [] as string[],
  openCells: { config: true, data: true, run: true, results: true },
  configPath: null as string | null,
};

export const useUi = create<UiState>()((set) => ({
  ...initial,
  setView: (view) => set({ view }),
  toggleRun: (runId) =>
    set((s) => {
      const selected = s.selectedRuns.includes(runId)
        ? s.selectedRuns.filter((id) => id !== runId)
        : [...s.selectedRuns, runId];
      const baseline = s.baseline && selected.includes(s.baseline) ? s.baseline : null;
      return { selectedRuns: selected, baseline };
    }),
  setSelection: (runIds) => set({ selectedRuns: [...runIds], baseline: null }),
  clearSelection: () => set({ selectedRuns: [], baseline: null }),
  setBaseline: (baseline) => set({ baseline }),
  setActiveRun: (activeRun) => set({ activeRun }),
  addLaunched: (runId) =>
    set((s) => ({ launched: s.launched.includes(runId) ? s.launched : [...s.launched, runId] })),
  toggleCell: (cell) => set((s) => ({ openCells: { ...s.openCells, [cell]: !s.openCells[cell] } })),
  setConfigPath: (configPath) => set({ configPath }),
  openRun: (runId) => set({ activeRun: runId, view: 'workspace' }),
}));

/** Restores the initial UI state (tests). */
export function resetUi(): void {
  useUi.setState({ ...initial, openCells: { ...initial.openCells } });
}
