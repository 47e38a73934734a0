/** Debian's Chromium as every browser test and benchmark here launches it (no downloaded browser). */
export const CHROMIUM_PATH = process.env.MLSYS_CHROMIUM ?? '/usr/bin/chromium';

/** Flags for a root, sandboxless, offline machine: no GPU, no background network chatter. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
