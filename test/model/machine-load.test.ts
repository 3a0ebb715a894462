// The helper thread steps aside when other processes keep a core busy: the window arithmetic on
// given readings, and the real monitor against a child process that spins on a core.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { LOADAVG_BUSY, MachineLoadMonitor, loadAverage, machineBusySeconds, othersBusy, OTHERS_BUSY, OTHERS_IDLE } from "../../src/kernels/machine-load.js";

test("machineBusySeconds reads the cpu line of /proc/stat (user nice system idle iowait irq softirq steal)", () => {
  assert.equal(machineBusySeconds("cpu  100 20 30 5000 40 5 5 10 0 0\ncpu0 1 2 3 4\n"), (100 + 20 + 30 + 5 + 5 + 10) / 100);
  assert.equal(machineBusySeconds("intr 1 2 3\n"), null);
  assert.equal(machineBusySeconds(null), null);
});

test("the decision has hysteresis between OTHERS_IDLE and OTHERS_BUSY", () => {
  assert.ok(OTHERS_IDLE < OTHERS_BUSY);
  assert.equal(othersBusy(0.4, false), false);
  assert.equal(othersBusy(0.6, false), true);
  assert.equal(othersBusy(0.4, true), true, "stays busy until the others drop below OTHERS_IDLE");
  assert.equal(othersBusy(0.2, true), false);
});

test("the first window's answer comes from the load average; the measured windows then decide", () => {
  assert.equal(loadAverage("2.50 1.00 0.50 3/200 1234\n"), 2.5);
  assert.equal(loadAverage(null), null);
  let t = 0, machine = 0;
  const crowded = new MachineLoadMonitor(() => machine, () => 0, () => t, () => LOADAVG_BUSY + 1);
  assert.equal(crowded.othersAreBusy(), true, "a crowded machine starts busy");
  // then a window in which nobody else used the CPU
  t += 1000;
  assert.equal(crowded.othersAreBusy(), false);
  const quiet = new MachineLoadMonitor(() => machine, () => 0, () => t, () => 0.3);
  assert.equal(quiet.othersAreBusy(), false);
  t += 1000; machine += 1;
  assert.equal(quiet.othersAreBusy(), true, "another process took a whole core");
});

test("the monitor subtracts this process's own CPU time from the machine's", () => {
  let t = 0, machine = 0, own = 0;
  const m = new MachineLoadMonitor(() => machine, () => own, () => t, () => 0.2);
  assert.equal(m.othersAreBusy(), false);
  // one second in which this process used 2 cores and the machine 2: nobody else is busy
  t += 1000; machine += 2; own += 2;
  assert.equal(m.othersAreBusy(), false);
  assert.equal(m.othersCores, 0);
  // within the half-second window the answer is cached
  t += 100; machine += 1;
  assert.equal(m.othersAreBusy(), false);
  // another process took 0.9 of a core
  t += 900; machine += 0.9 + 1.1 - 1; own += 1.1;
  assert.equal(m.othersAreBusy(), true);
  assert.ok(Math.abs(m.othersCores - 0.9) < 1e-9);
  // where /proc/stat cannot be read, never busy
  assert.equal(new MachineLoadMonitor(() => null, () => 0, () => 0, () => 9).othersAreBusy(), false);
});

test("a process spinning on a core is seen as busy", { skip: existsSync("/proc/stat") ? false : "no /proc/stat here" }, async () => {
  const spinner = spawn(process.execPath, ["-e", "const end = Date.now() + 20000; while (Date.now() < end);"], { stdio: "ignore" });
  try {
    await new Promise((r) => setTimeout(r, 300));
    const m = new MachineLoadMonitor();
    m.othersAreBusy();
    await new Promise((r) => setTimeout(r, 1200));
    assert.equal(m.othersAreBusy(), true, `others used ${m.othersCores.toFixed(2)} cores`);
    assert.ok(m.othersCores > 0.8, `others used ${m.othersCores.toFixed(2)} cores`);
  } finally {
    spinner.kill("SIGKILL");
  }
});
