import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Process groups: every worker child leads a group of its own, so whatever a task starts (a shell,
 * a `psql`, a background `sleep`) can be found and ended with the try, even after its parent exited.
 * A process that puts itself in a new session (setsid, `detached: true`) leaves the group; that
 * needs a container or cgroup to follow, which the local executor does not use.
 */

/** Sends `signal` to every process of the group `pgid`; false when none is left. */
export function signalGroup(pgid: number, signal: NodeJS.Signals = 'SIGKILL'): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}

/** The live pids in group `pgid` (Linux: /proc; elsewhere: ps). */
export function groupMembers(pgid: number): number[] {
  if (process.platform === 'linux') {
    const out: number[] = [];
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      let stat: string;
      try {
        stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      } catch {
        continue;
      } // exited meanwhile
      // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // A zombie has exited already (its parent has yet to reap it): nothing to end.
      if (Number(fields[2]) === pgid && fields[0] !== 'Z') out.push(Number(name));
    }
    return out;
  }
  const ps = execFileSync('ps', ['-A', '-o', 'pid=,pgid='], { encoding: 'utf8' });
  return ps
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number))
    .filter(([, g]) => g === pgid)
    .map(([p]) => p);
}

/** Kills every other process of the caller's own group (what a finished try left running); returns how many. */
export function killRestOfGroup(): number {
  let killed = 0;
  for (const pid of groupMembers(process.pid)) {
    if (pid === process.pid) continue;
    try {
      process.kill(pid, 'SIGKILL');
      killed++;
    } catch {
      /* already gone */
    }
  }
  return killed;
}
