// Emitting a MIME bundle from inside a tslab kernel. tslab's public `display.raw` sends
// one MIME type per message; a bundle with fallbacks needs the writer tslab keeps for the
// running cell (`tslab/dist/jupyter.lastWriteDisplayData`, tslab 1.0.x). We only look at
// tslab when the kernel has already loaded it, so plain Node never depends on it.

type DisplayWriter = (msg: { data: Record<string, unknown>; metadata: Record<string, unknown>; transient: Record<string, unknown> }, update: boolean) => void;

function tslabWriter(): DisplayWriter | null {
  let path: string;
  try {
    path = require.resolve("tslab/dist/jupyter");
  } catch {
    return null;
  }
  const loaded = require.cache[path];
  if (!loaded) return null; // tslab is installed but this process is not a tslab kernel
  const writer = (loaded.exports as { lastWriteDisplayData?: DisplayWriter | null }).lastWriteDisplayData;
  return typeof writer === "function" ? writer : null;
}

/** True when running inside a tslab kernel that can display rich output. */
export function insideTslab(): boolean {
  return tslabWriter() !== null;
}

/** Sends a MIME bundle as one display_data message; returns false outside tslab. */
export function emitBundle(bundle: Record<string, unknown>): boolean {
  const write = tslabWriter();
  if (!write) return false;
  write({ data: bundle, metadata: {}, transient: {} }, false);
  return true;
}
