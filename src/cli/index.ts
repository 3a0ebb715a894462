/**
 * Dispatches `marble <command> [args]` to the module that implements it.
 * Each command module exports `run(args: string[]): Promise<number>` and a one-line `summary`.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";

const COMMANDS: Record<string, string> = {
  fit: "./fit.js",
  transform: "./transform.js",
  data: "./data.js",
};

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === "--help" || cmd === "-h" || cmd === "help") {
    console.log("usage: marble <command> [options]\n\ncommands:");
    for (const [name, file] of Object.entries(COMMANDS)) {
      // built: fit.js beside this file; run from source through tsx: fit.ts
      if (!existsSync(join(__dirname, file)) && !existsSync(join(__dirname, file.replace(/\.js$/, ".ts")))) continue;
      const mod = await import(file);
      console.log(`  ${name.padEnd(10)} ${mod.summary ?? ""}`);
    }
    return 0;
  }
  const file = COMMANDS[cmd];
  if (!file) throw new Error(`unknown command "${cmd}"; valid commands: ${Object.keys(COMMANDS).join(", ")}`);
  const mod = await import(file);
  return mod.run(rest);
}
