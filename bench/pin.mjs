// CPU pinning for the load runs, so the load generator gets the same share of the CPUs whether
// it loads the backend or the baseline: the process that runs autocannon and PostgreSQL (its
// postmaster, so every backend it forks) on CPU 0, each server under test alone on CPU 1
// (every thread: `taskset -a`). A server then never shares its CPU with the database's
// processes, whose number on that CPU would otherwise decide its share. A machine with one CPU
// runs unpinned and says so.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';

const enough = cpus().length >= 2;
export const pinning = enough
  ? 'load generator and PostgreSQL on CPU 0, server on CPU 1 (taskset -a)'
  : 'unpinned (one CPU)';

const cpuOf = { load: '0', database: '0', server: '1' };

/** Pins every thread of a running process to the CPU of its role. */
export function pinProcess(pid, role) {
  if (!enough) return;
  if (!cpuOf[role]) throw new Error(`unknown role ${role}: load, database or server`);
  execFileSync('taskset', ['-a', '-c', '-p', cpuOf[role], String(pid)], { stdio: 'ignore' });
}

/** Pins PostgreSQL's postmaster (the first line of postmaster.pid in its data directory). */
export function pinPostgres(dataDir) {
  const pid = readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
  pinProcess(Number(pid), 'database');
}

/** Pins this process (the load generator). */
export function pinSelf() {
  pinProcess(process.pid, 'load');
}
