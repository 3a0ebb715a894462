/**
 * Dispatches `marble <command> [args]` to the module that implements it.
 * Each command module exports `run(args: string[]): Promise<number>` and a one-line `summary`.
 * Exit codes: 0 success, 1 a problem with the inputs or a failed run, 2 a usage error.
 */
import { closestNames } from "./args.js";

interface CommandModule {
  run(args: string[]): Promise<number>;
  summary?: string;
}

// loaded on demand: `fit` pulls in the whole model, `data` only the file fetching
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  fit: () => import("./fit.js"),
  transform: () => import("./transform.js"),
  data: () => import("./data.js"),
  sweep: () => import("./sweep.js"),
};

async function overview(): Promise<string> {
  const lines = ["usage: marble <command> [options]", "", "commands:"];
  for (const [name, load] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${(await load()).summary ?? ""}`);
  lines.push("", "'marble <command> --help' lists a command's options.", "exit status: 0 done, 1 the run failed (bad input files, data or checkpoint), 2 usage error");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "--help" || cmd === "-h" || cmd === "help") {
    console.log(await overview());
    return 0;
  }
  if (!cmd) {
    console.error(await overview());
    return 2;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    const near = closestNames(cmd, Object.keys(COMMANDS));
    console.error(`marble: unknown command "${cmd}"${near.length ? `; did you mean ${near[0]}?` : ""}\nsee 'marble --help'`);
    return 2;
  }
  return (await load()).run(rest);
}

/** The executable's body: runs `main`, then exits with its code (1 for an unexpected error). */
export function runCli(argv: string[]): void {
  // process.exit rather than exitCode: a kernel helper thread must not keep the process alive
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? `marble: ${err.stack ?? err.message}` : `marble: ${String(err)}`);
      process.exit(1);
    },
  );
}
