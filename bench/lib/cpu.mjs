// CPU time of a server process while it is measured, from /proc (Linux): where the time goes
// (the event loop's thread against the others). It moves with the host, like throughput.
import { readdirSync, readFileSync } from 'node:fs';

// Linux reports utime and stime in clock ticks; USER_HZ is 100 on every mainstream architecture.
const TICKS_PER_SECOND = 100;

function taskSeconds(pid, tid) {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
    // Fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // the thread ended meanwhile
  }
}

/** CPU seconds used so far by the whole process and by its main thread; null off Linux. */
export function cpuSeconds(pid) {
  let tids;
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return null;
  }
  let total = 0;
  for (const tid of tids) total += taskSeconds(pid, tid);
  return { total, main: taskSeconds(pid, String(pid)) };
}

/**
 * Runs `load` (which reports how many `requests` it completed) and adds the process's CPU per
 * request: `cpuUs` for all threads (database worker, GC, libuv included) and `mainUs` for the
 * event loop's thread. Both are null without a pid or off Linux.
 */
export async function withCpu(pid, load) {
  const before = pid ? cpuSeconds(pid) : null;
  const result = await load();
  const after = before ? cpuSeconds(pid) : null;
  const requests = result.requests;
  if (!before || !after || requests <= 0) return { ...result, cpuUs: null, mainUs: null };
  return { ...result, cpuUs: ((after.total - before.total) * 1e6) / requests, mainUs: ((after.main - before.main) * 1e6) / requests };
}
