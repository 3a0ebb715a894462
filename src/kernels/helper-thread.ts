/**
 * A second thread for the SIMD kernels: it instantiates the same module on the same shared
 * WebAssembly memory and shares the rows of a kernel call with the calling thread (see
 * SimdKernels). Rows are independent in every kernel split this way, and each row's sums run in
 * the same order whichever thread computes it, so results are bitwise those of a single thread.
 *
 * A call is posted as a few chunks of rows, and each thread claims the next unclaimed chunk
 * (compare-and-swap on a shared ticket) until none is left. Why claiming rather than a fixed half
 * for each thread: on a busy machine the helper may be descheduled or asleep when a call is
 * posted, and with a fixed half the calling thread waited for it, a whole scheduler time slice
 * for a call of tens of microseconds, which made two threads measure slower than one. Now the
 * calling thread takes every chunk the helper has not started, and waits at most for the one
 * chunk the helper is running; a helper that is late only takes less of the work.
 *
 * Why a shared control block rather than messages: the calls last tens to hundreds of
 * microseconds (a 192-row product of a training batch), so a message round trip through the
 * event loop would cost more than it saves. The helper polls the block briefly after each call
 * (the calls of a training step come a fraction of a millisecond apart) and then sleeps in
 * Atomics.wait; the calling thread never waits for it to wake.
 *
 * One helper serves every kernel instance (each has its own memory); instances register with it
 * once, handing over their compiled module, so the helper always runs the calling instance's
 * kernel variant (fused multiply-adds or not, src/kernels/variant.ts) and the bits stay those of
 * one thread. Set MARBLE_THREADS=1 in the environment (or call `setKernelThreads(1)`) to keep all
 * kernel work on the calling thread.
 */
import type { Worker, MessagePort } from "node:worker_threads";
import { availableParallelism } from "node:os";
import { MachineLoadMonitor } from "./machine-load.js";
import { lazyModule } from "../core/lazy-module.js";

// loaded with the first helper thread: importing the library starts no thread and needs none
const workerThreads = lazyModule<typeof import("node:worker_threads")>("node:worker_threads", "the kernels' helper thread");

/** Kernels the helper may run, by index in this list (the export names of asm/kernels.ts). */
export const HELPER_KERNELS = ["gemm", "gatherExpansion", "derivativeShared"] as const;
export type HelperKernel = (typeof HELPER_KERNELS)[number];

// control block (Int32 slots). Tickets (NEXT, DONE, START) count chunks over the helper's whole
// life and wrap around; they are compared through differences, so the wrap is harmless.
const POSTED = 0, DONE = 1, OP = 2, INSTANCE = 3, STATUS = 4, NEXT = 5, START = 6, COUNT = 7;
const OP_REGISTER = -1;
/** Arguments of the widest kernel (gemm); every chunk passes this many, the extra ones are ignored. */
const MAX_ARGS = 11;
/** Chunks of one call at most. */
export const MAX_CHUNKS = 8;
/**
 * How long the helper keeps polling for the next call before it sleeps. The calls of a training
 * step come a fraction of a millisecond apart; a sleeping helper takes tens of microseconds to
 * wake, by when the calling thread has done most of a call alone.
 */
const HELPER_SPIN_MS = 1;
/** Polls before the calling thread sleeps while the helper finishes the chunk it is running. */
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
  // an odd number: the calling thread is writing the next call; read it whole, or again
  const posted = Atomics.load(ctl, ${POSTED});
  if (posted & 1) continue;
  const op = ctl[${OP}], start = ctl[${START}], count = ctl[${COUNT}], instance = ctl[${INSTANCE}];
  if (Atomics.load(ctl, ${POSTED}) !== posted) continue;
  seen = posted;
  const f = op === ${OP_REGISTER} ? null : instances[instance][names[op]];
  for (;;) {
    const t = Atomics.load(ctl, ${NEXT}), i = (t - start) | 0;
    if (i < 0 || i >= count) break;
    if (Atomics.compareExchange(ctl, ${NEXT}, t, (t + 1) | 0) !== t) continue;
    try {
      if (f === null) {
        const { module, memory } = receiveMessageOnPort(port).message;
        instances.push(new WebAssembly.Instance(module, { env: { memory } }).exports);
      } else {
        // a WebAssembly export ignores arguments beyond its own
        const o = i * ${MAX_ARGS}, a = args;
        f(a[o], a[o + 1], a[o + 2], a[o + 3], a[o + 4], a[o + 5], a[o + 6], a[o + 7], a[o + 8], a[o + 9], a[o + 10]);
      }
    } catch {
      Atomics.store(ctl, ${STATUS}, 1);
    }
    Atomics.add(ctl, ${DONE}, 1);
    Atomics.notify(ctl, ${DONE});
  }
}
`;

type KernelFunction = (...args: number[]) => void;

export class KernelHelper {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly ctl: Int32Array;
  private readonly args: Float64Array;
  private seq = 0;
  private instances = 0;
  /** Ticket of a registration posted and not yet seen done, or −1. */
  private registering = -1;
  /** Calls shared with this helper so far (for tests and profiling). */
  sharedCalls = 0;

  constructor() {
    const control = new SharedArrayBuffer(64), argBuffer = new SharedArrayBuffer(8 * MAX_ARGS * MAX_CHUNKS);
    const { MessageChannel, Worker } = workerThreads();
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

  /** Stops the helper thread (calls after this run wholly on the calling thread). */
  async close(): Promise<void> {
    await this.worker.terminate();
  }

  /**
   * Asks the helper to instantiate `module` on `memory` (shared); returns the instance's number at
   * once. The helper may still be starting (a new thread loads and compiles for tens of
   * milliseconds), so the caller does not wait: until `ready()` says the helper has done it,
   * calls run on the calling thread alone. Waiting here made the first large call after start-up
   * (a transform of 2,048 nodes: 12 ms alone) take 80–120 ms with two threads.
   */
  register(module: object, memory: object): number {
    this.settle();
    this.port.postMessage({ module, memory });
    // one chunk that only the helper can run: this thread does not claim it
    this.registering = this.post(OP_REGISTER, 0, 1);
    return this.instances++;
  }

  /** Whether the helper can take calls: no registration of an instance still under way. Throws if one failed. */
  ready(): boolean {
    if (this.registering < 0) return true;
    if (((Atomics.load(this.ctl, DONE) - this.registering) | 0) < 1) return false;
    this.settle();
    return true;
  }

  /** Waits for a registration still under way; throws if it failed in the helper. */
  private settle(): void {
    if (this.registering < 0) return;
    const start = this.registering;
    this.registering = -1;
    this.finish(start, 1);
  }

  /**
   * Runs `kernel` (`own` is the same kernel in this thread) once for each argument list in
   * `chunks`, shared with the helper: this thread claims chunks until none is left, then waits
   * for the one the helper may still be running. The chunks must not write what another reads.
   * Throws if a chunk failed here or in the helper, after every started chunk has ended.
   */
  run(instance: number, kernel: HelperKernel, own: KernelFunction, chunks: readonly (readonly number[])[]): void {
    if (chunks.length > MAX_CHUNKS) throw new RangeError(`KernelHelper: at most ${MAX_CHUNKS} chunks`);
    this.settle();
    chunks.forEach((c, i) => {
      if (c.length > MAX_ARGS) throw new RangeError(`KernelHelper: at most ${MAX_ARGS} arguments`);
      this.args.set(c, i * MAX_ARGS);
    });
    const count = chunks.length, start = this.post(HELPER_KERNELS.indexOf(kernel), instance, count);
    this.sharedCalls++;
    let failure: unknown = null;
    for (;;) {
      const t = Atomics.load(this.ctl, NEXT), i = (t - start) | 0;
      if (i >= count) break;
      if (Atomics.compareExchange(this.ctl, NEXT, t, (t + 1) | 0) !== t) continue;
      // after a failure the rest is claimed but not run, so the call ends as soon as it can
      if (failure === null) {
        try {
          own(...chunks[i]);
        } catch (e) {
          failure = e;
        }
      }
      Atomics.add(this.ctl, DONE, 1);
    }
    this.finish(start, count);
    if (failure !== null) throw failure;
  }

  /** Posts a call of `count` chunks; returns its first ticket. The previous call has finished. */
  private post(op: number, instance: number, count: number): number {
    const start = Atomics.load(this.ctl, DONE);
    // odd while the call is written, even once it is whole (the helper rereads until it is)
    Atomics.store(this.ctl, POSTED, (this.seq = (this.seq + 1) | 0));
    this.ctl[OP] = op;
    this.ctl[INSTANCE] = instance;
    this.ctl[START] = start;
    this.ctl[COUNT] = count;
    this.ctl[STATUS] = 0;
    // the chunks' tickets are start … start + count − 1: the helper may claim them from now on
    Atomics.store(this.ctl, NEXT, start);
    Atomics.store(this.ctl, POSTED, (this.seq = (this.seq + 1) | 0));
    Atomics.notify(this.ctl, POSTED);
    return start;
  }

  /** Waits until all `count` chunks from ticket `start` have ended; throws if one failed in the helper. */
  private finish(start: number, count: number): void {
    let n = 0;
    const started = Date.now();
    for (;;) {
      const done = Atomics.load(this.ctl, DONE);
      if (((done - start) | 0) >= count) break;
      if (++n > CALLER_SPINS) {
        Atomics.wait(this.ctl, DONE, done, 1000);
        // a helper that died (killed from outside) would otherwise leave this thread waiting forever
        if (Date.now() - started > 600_000) throw new Error("KernelHelper: the helper thread did not answer within 10 minutes");
      }
    }
    if (this.ctl[STATUS] !== 0) throw new Error("KernelHelper: the kernel call failed in the helper thread");
  }
}

let threads: number | null = null;
let helper: KernelHelper | null | undefined;
/** Null when MARBLE_THREADS or setKernelThreads fixed the count; otherwise adapts to the machine's load. */
let load: MachineLoadMonitor | null = null;
/** Whether the count is the default (no MARBLE_THREADS, no setKernelThreads). */
let byDefault = false;
/**
 * Multiply-adds of shareable calls seen before the default starts the helper. A new thread costs
 * tens of milliseconds of CPU to load and compile; a one-off transform (the toy fields: one call of
 * 0.9 M, van der Pol: four calls, 11 M in all) is over sooner, so it runs alone and a training run
 * with large products (bench (b): 3 M each) starts the helper within its first steps.
 */
export const HELPER_START_WORK = 20_000_000;
let workBeforeHelper = 0;

/** Kernel threads in use: 2 (the caller and a helper) or 1. */
export function kernelThreads(): number {
  if (threads === null) {
    const env = process.env.MARBLE_THREADS;
    const wanted = env === undefined || env === "" ? 2 : Number(env);
    threads = wanted >= 2 && availableParallelism() >= 2 && typeof SharedArrayBuffer === "function" ? 2 : 1;
    // the default (no MARBLE_THREADS) steps aside when other processes keep a core busy
    byDefault = env === undefined || env === "";
    if (threads === 2 && byDefault && availableParallelism() <= 2) load = new MachineLoadMonitor();
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
  byDefault = false;
  return previous;
}

/**
 * Whether other work may use a second thread now: two kernel threads allowed and, on a 2-core
 * machine under the default setting, the second core not kept busy by other processes.
 */
export function secondThreadAvailable(): boolean {
  return kernelThreads() >= 2 && !load?.othersAreBusy();
}

/**
 * The shared helper, or null when kernels run on one thread. `work` is the multiply-adds of the
 * call that asks: under the default the helper starts once HELPER_START_WORK of them were asked
 * for; when two threads are set explicitly, at the first call.
 */
export function kernelHelper(work = Infinity): KernelHelper | null {
  if (kernelThreads() < 2) return null;
  // on a 2-core machine whose other core is taken, the polling helper would slow the work down
  if (load?.othersAreBusy()) return null;
  if (!helper) {
    if (byDefault && (workBeforeHelper += work) < HELPER_START_WORK) return null;
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
