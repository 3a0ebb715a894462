/**
 * A second thread for the SIMD kernels: it instantiates the same module on the same shared
 * WebAssembly memory and runs one half of a row-split kernel call while the calling thread runs
 * the other half (see SimdKernels). Rows are independent in every kernel split this way, and
 * each row's sums run in the same order whichever thread computes it, so results are bitwise
 * those of a single thread.
 *
 * Why a spinning handshake rather than messages: the calls last tens to hundreds of
 * microseconds (a 192-row product of a training batch), so a message round trip through the
 * event loop would cost more than it saves. Calls are posted through a small shared control
 * block; each side spins briefly on it before sleeping in Atomics.wait, so a burst of calls
 * within a training step runs without waking a sleeping thread each time.
 *
 * One helper serves every kernel instance (each has its own memory); instances register with it
 * once. Set MARBLE_THREADS=1 in the environment (or call `setKernelThreads(1)`) to keep all
 * kernel work on the calling thread.
 */
import { MessageChannel, Worker, type MessagePort } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { MachineLoadMonitor } from "./machine-load.js";

/** Kernels the helper may run, by index in this list (the export names of asm/kernels.ts). */
export const HELPER_KERNELS = ["gemm", "gatherExpansion", "derivativeShared"] as const;
export type HelperKernel = (typeof HELPER_KERNELS)[number];

// control block (Int32 slots)
const POSTED = 0, DONE = 1, OP = 2, INSTANCE = 3, STATUS = 4;
const OP_REGISTER = -1;
/** Arguments of the widest kernel (gemm); every call passes this many, the extra ones are ignored. */
const MAX_ARGS = 11;
/**
 * How long the helper keeps polling for the next call before it sleeps. The calls of a training
 * step come a fraction of a millisecond apart; waking a sleeping thread costs tens of
 * microseconds each time, which measured as much as the split saves.
 */
const HELPER_SPIN_MS = 2;
/** Polls before the calling thread sleeps while the helper finishes its half. */
const CALLER_SPINS = 20000;

// The worker's whole program. It never touches the event loop: everything arrives through the
// control block, and module + memory through receiveMessageOnPort when told to register.
const WORKER_SOURCE = `
const { workerData, receiveMessageOnPort } = require("node:worker_threads");
const { control, argBuffer, port, names, spinMs } = workerData;
const ctl = new Int32Array(control), args = new Float64Array(argBuffer);
const instances = [];
let seen = 0;
for (;;) {
  let n = 0, since = performance.now();
  while (Atomics.load(ctl, ${POSTED}) === seen) {
    // the clock is read every 1024 polls only
    if ((++n & 1023) === 0 && performance.now() - since > spinMs) {
      Atomics.wait(ctl, ${POSTED}, seen);
      since = performance.now();
    }
  }
  seen = Atomics.load(ctl, ${POSTED});
  const op = ctl[${OP}];
  let status = 0;
  try {
    if (op === ${OP_REGISTER}) {
      const { module, memory } = receiveMessageOnPort(port).message;
      instances.push(new WebAssembly.Instance(module, { env: { memory } }).exports);
    } else {
      // a WebAssembly export ignores arguments beyond its own
      const a = args;
      instances[ctl[${INSTANCE}]][names[op]](a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7], a[8], a[9], a[10]);
    }
  } catch {
    status = 1;
  }
  ctl[${STATUS}] = status;
  Atomics.store(ctl, ${DONE}, seen);
  Atomics.notify(ctl, ${DONE});
}
`;

export class KernelHelper {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private busy = false;
  private instances = 0;

  constructor() {
    const control = new SharedArrayBuffer(64), argBuffer = new SharedArrayBuffer(8 * MAX_ARGS);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    this.ctl = new Int32Array(control);
    this.args = new Float64Array(argBuffer);
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { control, argBuffer, port: port2, names: HELPER_KERNELS, spinMs: HELPER_SPIN_MS },
      transferList: [port2],
    });
    // the helper never keeps a process alive; it ends with it
    this.worker.unref();
    this.port.unref();
  }

  /** Instantiates `module` on `memory` (shared) in the helper; returns the instance's number. */
  register(module: object, memory: object): number {
    this.port.postMessage({ module, memory });
    this.post(OP_REGISTER, 0, []);
    this.join();
    return this.instances++;
  }

  /** Starts `kernel(...args)` on the helper; `join` waits for it. One call at a time. */
  start(instance: number, kernel: HelperKernel, args: readonly number[]): void {
    this.post(HELPER_KERNELS.indexOf(kernel), instance, args);
  }

  private post(op: number, instance: number, args: readonly number[]): void {
    if (this.busy) throw new Error("KernelHelper: a call is already running; join it first");
    if (args.length > MAX_ARGS) throw new RangeError(`KernelHelper: at most ${MAX_ARGS} arguments`);
    this.args.set(args);
    this.ctl[OP] = op;
    this.ctl[INSTANCE] = instance;
    this.busy = true;
    Atomics.store(this.ctl, POSTED, ++this.seq);
    Atomics.notify(this.ctl, POSTED);
  }

  /** Waits for the running call; throws if it failed in the helper. */
  join(): void {
    if (!this.busy) return;
    let n = 0;
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(this.ctl, DONE);
      if (done === this.seq) break;
      if (++n > CALLER_SPINS) {
        Atomics.wait(this.ctl, DONE, done, 1000);
        // a helper that died (killed from outside) would otherwise leave this thread waiting forever
        if (Date.now() - started > 600_000) throw new Error("KernelHelper: the helper thread did not answer within 10 minutes");
      }
    }
    this.busy = false;
    if (this.ctl[STATUS] !== 0) throw new Error("KernelHelper: the kernel call failed in the helper thread");
  }
}

let threads: number | null = null;
let helper: KernelHelper | null | undefined;
/** Null when MARBLE_THREADS or setKernelThreads fixed the count; otherwise adapts to the machine's load. */
let load: MachineLoadMonitor | null = null;

/** Kernel threads in use: 2 (the caller and a helper) or 1. */
export function kernelThreads(): number {
  if (threads === null) {
    const env = process.env.MARBLE_THREADS;
    const wanted = env === undefined || env === "" ? 2 : Number(env);
    threads = wanted >= 2 && availableParallelism() >= 2 && typeof SharedArrayBuffer === "function" ? 2 : 1;
    // the default (no MARBLE_THREADS) steps aside when other processes keep a core busy
    if (threads === 2 && (env === undefined || env === "") && availableParallelism() <= 2) load = new MachineLoadMonitor();
  }
  return threads;
}

/**
 * Sets the kernel threads (1 or 2) for kernel calls from now on; results do not depend on it
 * (bit for bit). Returns the previous setting.
 */
export function setKernelThreads(n: 1 | 2): number {
  const previous = kernelThreads();
  if (n !== 1 && n !== 2) throw new RangeError(`setKernelThreads: 1 or 2, got ${n}`);
  threads = n;
  load = null;
  return previous;
}

/**
 * Whether other work may use a second thread now: two kernel threads allowed and, on a 2-core
 * machine under the default setting, the second core not kept busy by other processes.
 */
export function secondThreadAvailable(): boolean {
  return kernelThreads() >= 2 && !load?.othersAreBusy();
}

/** The shared helper, started on first use, or null when kernels run on one thread. */
export function kernelHelper(): KernelHelper | null {
  if (kernelThreads() < 2) return null;
  // on a 2-core machine whose other core is taken, the polling helper would slow the work down
  if (load?.othersAreBusy()) return null;
  if (!helper) {
    try {
      helper = new KernelHelper();
    } catch (e) {
      helperFailed(e);
      return null;
    }
  }
  return helper;
}

/** Falls back to one thread for good, saying why once: results are the same, only slower. */
export function helperFailed(e: unknown): void {
  threads = 1;
  process.emitWarning(`MARBLE: kernel helper thread unavailable (${(e as Error).message}); running kernels on one thread`, { code: "MARBLE_ONE_THREAD" });
}
