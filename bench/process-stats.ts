/**
 * Another process's CPU time and peak memory, read from /proc by its parent (Linux; elsewhere
 * every reader returns undefined). Used where the process measured cannot measure itself: the
 * compiled `parley` command is run as it ships, with nothing loaded into it.
 *
 * - processCpuMs: the sum over the process's threads of the first field of
 *   /proc/PID/task/TID/schedstat, nanoseconds on a CPU (user + system). /proc/PID/stat has the
 *   same time in clock ticks (10 ms here), too coarse for a start of ~100 ms; schedstat misses only
 *   threads that have already ended, which a node process does not do before it exits.
 * - processTicksMs: utime and stime of /proc/PID/stat (clock ticks, whole thread group), for the
 *   user/system split only.
 * - reapedChildrenCpuMs: cutime + cstime of this process's own /proc/self/stat, the CPU of every
 *   child it has reaped (exited and waited for; a child's reaped children included). Its change
 *   across one child's life is that child's whole-run CPU, exit included, which nothing read
 *   while the child runs can see. Tick resolution, so read it over whole runs (seconds), not parts.
 * - peakRssKb: VmHWM of /proc/PID/status, the resident high-water mark since execve (see
 *   clients/harness.ts for why not ru_maxrss). Gone once the process has exited (a zombie has no
 *   memory map), so read it while it runs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const NS_PER_MS = 1e6;
/** stat fields after "(comm)": index 0 is field 3 (state); utime is field 14, cutime 16 (proc(5)). */
const UTIME_INDEX = 14 - 3;
const CUTIME_INDEX = 16 - 3;

let ticksPerSecond: number | undefined;
function clockTicksPerSecond(): number {
  if (ticksPerSecond === undefined) {
    const answer = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
    const value = Number(answer.stdout?.trim());
    ticksPerSecond = answer.status === 0 && Number.isInteger(value) && value > 0 ? value : 100;
  }
  return ticksPerSecond;
}

/** The fields of /proc/PID/stat after the command name (which may itself hold spaces and parentheses). */
function statFields(pid: number | 'self'): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
  } catch {
    return undefined;
  }
}

/** CPU time (user + system) of every live thread of the process, ms with ns resolution. */
export function processCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    let ns = 0;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
      } catch {
        // the thread ended between the listing and the read
      }
    }
    return ns / NS_PER_MS;
  } catch {
    return undefined;
  }
}

/** User and system CPU of the process (whole thread group) in ms, at clock-tick resolution. */
export function processTicksMs(pid: number | undefined): { userMs: number; sysMs: number } | undefined {
  if (pid === undefined) return undefined;
  const fields = statFields(pid);
  if (!fields) return undefined;
  const msPerTick = 1000 / clockTicksPerSecond();
  return { userMs: Number(fields[UTIME_INDEX]) * msPerTick, sysMs: Number(fields[UTIME_INDEX + 1]) * msPerTick };
}

/** CPU ms (user + system) of all the children this process has reaped so far; NaN without /proc. */
export function reapedChildrenCpuMs(): number {
  const fields = statFields('self');
  if (!fields) return NaN;
  return ((Number(fields[CUTIME_INDEX]) + Number(fields[CUTIME_INDEX + 1])) * 1000) / clockTicksPerSecond();
}

/** Peak resident set of a running process in KB (undefined where /proc is missing or it has exited). */
export function peakRssKb(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmHWM:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined;
  }
}
