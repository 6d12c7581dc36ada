// Who owns a RUNNING execution, and is that process still the one that registered it? A pid alone is not
// enough: after a reboot (or on a busy machine) the pid of a killed runtime is soon reused by some other
// process, which would keep its executions RUNNING forever. So we also record when the owner started.

import { readFileSync } from 'node:fs';
import { uptime as osUptime } from 'node:os';

/** Start times closer than this are the same process (clock-tick and rounding slack). */
const SAME_START_MS = 5_000;

/** When this process started, in ms since the epoch. */
export function currentProcessStart(): number {
  return Math.round(Date.now() - process.uptime() * 1000);
}

/** When this machine booted, in ms since the epoch. */
function bootTime(): number {
  return Date.now() - osUptime() * 1000;
}

/** Start time of another process on Linux (from /proc), undefined elsewhere or when unreadable. */
function linuxProcessStart(pid: number): number | undefined {
  if (process.platform !== 'linux') return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = Number(fields[19]); // field 22 of the whole line: starttime, in clock ticks since boot
    const btimeLine = readFileSync('/proc/stat', 'utf8').split('\n').find((l) => l.startsWith('btime '));
    if (!Number.isFinite(startTicks) || !btimeLine) return undefined;
    const ticksPerSecond = 100; // USER_HZ is 100 on every Linux ABI Node supports
    return Number(btimeLine.slice(6)) * 1000 + (startTicks / ticksPerSecond) * 1000;
  } catch {
    return undefined;
  }
}

/**
 * True when the process that registered an execution (pid + recorded start time) is alive on this host.
 * EPERM from kill(pid, 0) means the pid exists but belongs to another user: alive.
 */
export function ownerAlive(pid: number, recordedStart: number | null): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  if (recordedStart === null) return true;
  if (pid === process.pid) return Math.abs(currentProcessStart() - recordedStart) < SAME_START_MS;
  // The owner started before the machine last booted: that pid now belongs to someone else.
  if (recordedStart < bootTime() - SAME_START_MS) return false;
  const actual = linuxProcessStart(pid);
  return actual === undefined || Math.abs(actual - recordedStart) < SAME_START_MS;
}
