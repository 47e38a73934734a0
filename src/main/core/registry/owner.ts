import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Who owns a `running` run: pid + hostname + a process start token. The token tells a live process
 * from a later one that reused the pid: on Linux it is the start time in clock ticks from
 * /proc/<pid>/stat (readable for any pid); elsewhere the owner's own start time, and only pid
 * liveness is checked.
 */
export interface ProcessOwner {
  pid: number;
  host: string;
  start: string;
}

function linuxStartTicks(pid: number): string | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces; fields resume after ')'.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return rest[19]; // field 22: starttime
  } catch {
    return undefined;
  }
}

let self: ProcessOwner | undefined;

export function currentOwner(): ProcessOwner {
  if (!self) {
    const ticks = linuxStartTicks(process.pid);
    const start = ticks ? `linux:${ticks}` : `t:${Math.round(Date.now() - process.uptime() * 1000)}`;
    self = { pid: process.pid, host: os.hostname(), start };
  }
  return self;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * 'dead' when the owner certainly died; 'alive' when it runs (or might: another host, unknown token).
 */
export function ownerState(owner: {
  pid: number | null;
  host: string | null;
  start: string | null;
}): 'alive' | 'dead' {
  const me = currentOwner();
  if (owner.pid == null || owner.host == null) return 'dead';
  if (owner.host !== me.host) return 'alive';
  if (owner.pid === me.pid) return owner.start === me.start ? 'alive' : 'dead';
  if (!pidAlive(owner.pid)) return 'dead';
  if (owner.start?.startsWith('linux:')) {
    const ticks = linuxStartTicks(owner.pid);
    if (ticks !== undefined && `linux:${ticks}` !== owner.start) return 'dead';
  }
  return 'alive';
}
