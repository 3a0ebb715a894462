/**
 * Is another process using the second core? The kernels' helper thread polls while a fit runs, so
 * on a machine where something else is busy it competes with that work and with the calling
 * thread, and two threads measured slower than one (van der Pol fit: 10.2 s against 1.4–2.7 s on
 * a loaded 2-core machine). This monitor compares the machine's busy CPU time (/proc/stat) with
 * this process's own (process.cpuUsage, all threads) over windows of about half a second: when
 * other processes used more than OTHERS_BUSY of a core, the kernels run on one thread until they
 * drop below OTHERS_IDLE again (hysteresis, so the choice does not flap). Until the first window
 * is complete the answer comes from the one-minute load average (/proc/loadavg): above
 * LOADAVG_BUSY runnable threads the helper waits, so a job started on a crowded machine does not
 * begin with half a second of two threads competing. Where /proc/stat is unreadable the monitor
 * always answers "not busy".
 */
import { readFileSync } from "node:fs";

/** Cores used by other processes above which the helper thread steps aside. */
export const OTHERS_BUSY = 0.5;
/** ...and below which it comes back. */
export const OTHERS_IDLE = 0.25;
const WINDOW_MS = 500;
/** One-minute load average above which the first window starts as busy. */
export const LOADAVG_BUSY = 1.5;

/** Busy CPU time of the whole machine in seconds (user + nice + system + irq + softirq + steal), or null. */
export function machineBusySeconds(stat = readProcStat()): number | null {
  if (stat === null) return null;
  const line = stat.split("\n", 1)[0];
  if (!line.startsWith("cpu ")) return null;
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  if (f.length < 8 || f.some((v) => !Number.isFinite(v))) return null;
  const [user, nice, system, , , irq, softirq, steal] = f;
  // USER_HZ is 100 on every Linux build Node supports
  return (user + nice + system + irq + softirq + steal) / 100;
}

/** The one-minute load average from /proc/loadavg's text, or null. */
export function loadAverage(text = readProc("/proc/loadavg")): number | null {
  const v = text === null ? NaN : Number(text.split(" ", 1)[0]);
  return Number.isFinite(v) ? v : null;
}

function readProcStat(): string | null {
  return readProc("/proc/stat");
}

function readProc(path: string): string | null {
  try {
    return readFileSync(path, "latin1");
  } catch {
    return null;
  }
}

/**
 * The decision over one window: `othersCores` = (machine busy − own busy) / wall time. Returns the
 * new "busy" state given the previous one.
 */
export function othersBusy(othersCores: number, wasBusy: boolean): boolean {
  return wasBusy ? othersCores > OTHERS_IDLE : othersCores > OTHERS_BUSY;
}

export class MachineLoadMonitor {
  private busy = false;
  private lastWall = 0;
  private lastMachine: number | null = null;
  private lastOwn = 0;
  /** Cores other processes used in the last completed window (NaN before the first). */
  othersCores = NaN;

  constructor(
    private readonly machine: () => number | null = () => machineBusySeconds(),
    private readonly own: () => number = () => {
      const u = process.cpuUsage();
      return (u.user + u.system) / 1e6;
    },
    private readonly now: () => number = () => performance.now(),
    loadAvg: () => number | null = () => loadAverage(),
  ) {
    this.busy = (loadAvg() ?? 0) > LOADAVG_BUSY;
  }

  /** True while other processes keep a core busy; re-measured at most every half second. */
  othersAreBusy(): boolean {
    const t = this.now();
    if (this.lastMachine !== null && t - this.lastWall < WINDOW_MS) return this.busy;
    const m = this.machine();
    if (m === null) return (this.busy = false);
    const o = this.own();
    if (this.lastMachine !== null) {
      const wall = (t - this.lastWall) / 1000;
      this.othersCores = Math.max(0, (m - this.lastMachine - (o - this.lastOwn)) / wall);
      this.busy = othersBusy(this.othersCores, this.busy);
    }
    this.lastWall = t;
    this.lastMachine = m;
    this.lastOwn = o;
    return this.busy;
  }
}
