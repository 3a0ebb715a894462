/**
 * A package or built-in module loaded on first use instead of when the library is imported.
 * Importing the library is part of every program's start-up (the CLI, a notebook kernel, a script),
 * and most programs never reach UMAP, HTTPS, zlib or child processes: loading them eagerly cost
 * every one of them tens of milliseconds. test/core/startup.test.ts lists what must stay lazy.
 */

/**
 * `lazyModule<typeof import("x")>("x", "what it is for")` returns a function that loads "x" on its
 * first call (synchronously, so synchronous callers stay synchronous) and returns the same module
 * after. A package that cannot be loaded fails with an error that names it, what needed it and the
 * fix, rather than a bare MODULE_NOT_FOUND deep in a run.
 */
export function lazyModule<T>(id: string, neededFor: string): () => T {
  let loaded: T | undefined;
  return () => {
    if (loaded === undefined) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        loaded = require(id) as T;
      } catch (err) {
        const why = err instanceof Error ? err.message.split("\n")[0] : String(err);
        throw new Error(`MarbleLab could not load "${id}", which it needs for ${neededFor}: ${why}. Reinstall the library's dependencies (npm ci in its folder, or npm install @marble-lab/core).`, { cause: err });
      }
    }
    return loaded;
  };
}
