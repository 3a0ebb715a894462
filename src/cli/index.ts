/**
 * Dispatches `marble <command> [args]` to the module that implements it.
 * Each command module exports `run(args: string[]): Promise<number>`; its one-line summary is here.
 * Exit codes: 0 success, 1 a problem with the inputs or a failed run, 2 a usage error.
 */
import { closestNames } from "./args.js";

interface CommandModule {
  run(args: string[]): Promise<number>;
}

interface Command {
  summary: string;
  load: () => Promise<CommandModule>;
}

// loaded on demand, and the summaries kept here, so that `marble --help` loads no command:
// `fit` pulls in the whole model, `sweep` its experiments, `data` only the file fetching
const COMMANDS: Record<string, Command> = {
  fit: { summary: "train MARBLE on .npy/.csv anchors and vectors, write a checkpoint folder", load: () => import("./fit.js") },
  transform: { summary: "embed .npy/.csv anchors and vectors with a trained checkpoint", load: () => import("./transform.js") },
  data: { summary: "list, fetch and verify datasets (data list | fetch NAME | verify [NAME])", load: () => import("./data.js") },
  sweep: { summary: "parameter and session sweeps (sweep plan | run | run-task | status | collect SPEC)", load: () => import("./sweep.js") },
};

function overview(): string {
  const lines = ["usage: marble <command> [options]", "", "commands:"];
  for (const [name, { summary }] of Object.entries(COMMANDS)) lines.push(`  ${name.padEnd(10)} ${summary}`);
  lines.push("", "'marble <command> --help' lists a command's options.", "exit status: 0 done, 1 the run failed (bad input files, data or checkpoint), 2 usage error");
  return lines.join("\n");
}

export async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === "--help" || cmd === "-h" || cmd === "help") {
    console.log(overview());
    return 0;
  }
  if (!cmd) {
    console.error(overview());
    return 2;
  }
  const command = Object.hasOwn(COMMANDS, cmd) ? COMMANDS[cmd] : undefined;
  if (!command) {
    const near = closestNames(cmd, Object.keys(COMMANDS));
    console.error(`marble: unknown command "${cmd}"${near.length ? `; did you mean ${near[0]}?` : ""}\nsee 'marble --help'`);
    return 2;
  }
  return (await command.load()).run(rest);
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
