// The `marble` command line as a user meets it: child processes, stdout and stderr as pipes.
import { test, after } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Matrix } from "../../src/core/index.js";
import { writeNpy, readNpy, npyToMatrix } from "../../src/io/npy.js";
import { MARBLE_DEFAULTS } from "../../src/model/params.js";
import { DATASET_DEFAULTS, MODEL_OPTIONS, DATASET_OPTIONS } from "../../src/cli/options.js";
import { marble, marbleBin, npx, workspace, ROOT, type Outcome } from "./run-marble.js";

const ws = workspace();
after(() => ws.cleanup());
const dir = ws.dir;
const pairs = ["--anchor", "pos0.npy", "--vector", "vel0.npy", "--anchor", "pos1.npy", "--vector", "vel1.npy"];

function lines(text: string): string[] {
  return text.split("\n").filter((l) => l.length > 0);
}

/** The one training run most tests share: 3 epochs, embedding as CSV. */
let trained: Promise<Outcome> | null = null;
function trainOnce(): Promise<Outcome> {
  trained ??= marble(["fit", ...pairs, "--k", "8", "--epochs", "3", "--out-channels", "4", "--out", "run", "--embedding", "fit-z.csv"], dir);
  return trained;
}

test("--help lists every option of each command with a description and its default", async () => {
  const fit = await marble(["fit", "--help"], dir);
  assert.equal(fit.code, 0, fit.stderr);
  assert.equal(fit.stderr, "");
  const entries = fit.stdout.split(/\n(?= {2}-)|\n\n/);
  const defaults: Record<string, unknown> = { ...MARBLE_DEFAULTS, ...DATASET_DEFAULTS };
  for (const spec of [...MODEL_OPTIONS, ...DATASET_OPTIONS]) {
    const entry = entries.find((e) => new RegExp(`^  --(\\[no-\\])?${spec.flag}\\b`).test(e));
    assert.ok(entry, `marble fit --help has no line for --${spec.flag}`);
    const def = defaults[spec.target!.key];
    const words = entry.split("\n")[0].replace(/^\s*\S+( [A-Z,.|a-z0-9]+)?\s{2,}/, "").split(/\s+/);
    assert.ok(words.length >= 3, `--${spec.flag}: no description in "${entry}"`);
    if (def === null) continue;
    const shown = typeof def === "boolean" ? (def ? "on" : "off") : Array.isArray(def) ? def.join(",") : String(def);
    assert.ok(entry.replace(/\s+/g, " ").trimEnd().endsWith(`(default ${shown})`), `--${spec.flag}: default ${shown} missing in "${entry}"`);
  }
  for (const own of ["--anchor FILE", "--vector FILE", "--out DIR", "--embedding FILE", "--quiet", "-h, --help"]) assert.match(fit.stdout, new RegExp(`^  ${own} +\\w`, "m"));

  const transform = await marble(["transform", "--help"], dir);
  assert.equal(transform.code, 0);
  assert.match(transform.stdout, /^ {2}--model DIR +checkpoint folder/m);
  assert.match(transform.stdout, /^ {2}--k N +neighbours per point/m);
  assert.doesNotMatch(transform.stdout, /--epochs/, "model options are fixed by the checkpoint");
  assert.match(transform.stdout, /condition is 0 for the points of the first --anchor\/--vector pair/);

  const top = await marble(["--help"], dir);
  assert.equal(top.code, 0);
  for (const cmd of ["fit", "transform", "data"]) assert.match(top.stdout, new RegExp(`^  ${cmd} +\\w`, "m"));
  assert.equal((await marble(["data", "--help"], dir)).code, 0);
});

test("a misspelled option gets one suggestion, not a list of every option", async () => {
  const r = await marble(["fit", ...pairs, "--out", "x", "--epoch", "3"], dir);
  assert.equal(r.code, 2);
  assert.equal(r.stderr, "marble fit: unknown option --epoch; did you mean --epochs?\nsee 'marble fit --help'\n");
  const t = await marble(["transform", "--model", "run", ...pairs, "--output", "z.csv", "--spaceing", "0.1"], dir);
  assert.equal(t.stderr.split("\n")[0], "marble transform: unknown option --spaceing; did you mean --spacing?");
  const c = await marble(["trasnform"], dir);
  assert.equal(c.code, 2);
  assert.match(c.stderr, /unknown command "trasnform"; did you mean transform\?/);
});

test("usage errors are one line and a pointer to --help (exit 2); failed runs exit 1", async () => {
  const usage: [string[], RegExp][] = [
    [["fit", "--anchor", "pos0.npy", "--out", "x"], /1 --anchor file\(s\) but 0 --vector file\(s\)/],
    [["fit", ...pairs], /--out DIR is required/],
    [["fit", ...pairs, "--out", "x", "--lr", "fast"], /--lr: expected a number, got "fast"/],
    [["fit", ...pairs, "--out", "x", "--dropout", "1.5"], /--dropout must be/],
    [["fit", ...pairs, "--out", "x", "--embedding", "z.txt"], /--embedding z\.txt: the file name must end in \.npy .* or \.csv/],
    [["transform", "--model", "run", ...pairs, "--output", "z.csv", "--epochs", "5"], /--epochs: a training option, fixed by the checkpoint/],
    [["data", "lst"], /unknown subcommand "lst"; did you mean list\?/],
  ];
  for (const [args, message] of usage) {
    const r = await marble(args, dir);
    const command = args[0] === "data" ? "marble data" : `marble ${args[0]}`;
    assert.equal(r.code, 2, `${args.join(" ")}: ${r.stderr}`);
    assert.equal(r.stdout, "");
    const [first, second, ...rest] = lines(r.stderr);
    assert.match(first, new RegExp(`^${command}: `));
    assert.match(first, message);
    assert.equal(second, `see '${command} --help'`);
    assert.deepEqual(rest, [], `${args.join(" ")}: more than two lines:\n${r.stderr}`);
  }
  // a problem with the data is not a usage error: exit 1, no pointer to --help
  const tooFew = await marble(["fit", ...pairs, "--out", "x", "--k", "200"], dir);
  assert.equal(tooFew.code, 1);
  assert.deepEqual(lines(tooFew.stderr), ["marble fit: --anchor pos0.npy (condition 0): has 80 points, fewer than k + 1 = 201; lower k or add points"]);
});

test("missing files, folders and unknown types name the flag and the path", async () => {
  mkdirSync(join(dir, "folder"), { recursive: true });
  const missing = await marble(["fit", "--anchor", "pos0.npy", "--vector", "vel0.npy", "--anchor", "nope.npy", "--vector", "vel1.npy", "--out", "x"], dir);
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, `marble fit: --anchor nope.npy: file not found (${join(dir, "nope.npy")})\n`);
  assert.doesNotMatch(missing.stderr, /ENOENT/);
  const folder = await marble(["fit", "--anchor", "pos0.npy", "--vector", "folder", "--out", "x"], dir);
  assert.equal(folder.code, 1);
  assert.match(folder.stderr, /^marble fit: --vector folder: is a directory, not a file \(.*folder\)/);
  writeFileSync(join(dir, "pos.json"), "[]");
  const type = await marble(["fit", "--anchor", "pos.json", "--vector", "vel0.npy", "--out", "x"], dir);
  assert.match(type.stderr, /--anchor pos\.json: unsupported file type "\.json"; use \.npy or \.csv/);
  writeFileSync(join(dir, "broken.npy"), "not numpy");
  const broken = await marble(["fit", "--anchor", "broken.npy", "--vector", "vel0.npy", "--out", "x"], dir);
  assert.equal(broken.code, 1);
  assert.match(broken.stderr, /^marble fit: --anchor broken\.npy: not an \.npy file/);
  const model = await marble(["transform", "--model", "nothere", "--anchor", "pos0.npy", "--vector", "vel0.npy", "--output", "z.csv"], dir);
  assert.equal(model.stderr, `marble transform: --model nothere: folder not found (${join(dir, "nothere")})\n`);
  assert.ok(!existsSync(join(dir, "x")), "nothing written after a failed check");
});

test("fit prints its summary once; the epoch log names its columns once and aligns its rows", async () => {
  const r = await trainOnce();
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "", "the log goes to stderr");
  const all = lines(r.stderr);
  assert.equal(all.filter((l) => /best epoch/.test(l)).length, 1, r.stderr);
  assert.equal(all.filter((l) => /checkpoint written to run/.test(l)).length, 1, r.stderr);
  const headers = all.filter((l) => /^epoch\b/.test(l));
  assert.equal(headers.length, 1, r.stderr);
  const header = headers[0];
  assert.match(header, /^epoch +train loss +val\. loss +lr +t +seconds$/);
  assert.ok(all.some((l) => /^t: diffusion time .*random walks of mean length t$/.test(l)), "the legend says what t is");
  const at = all.indexOf(header);
  const rows = all.slice(at + 1, at + 4);
  const history = JSON.parse(readFileSync(join(dir, "run", "model.json"), "utf8"));
  const titleEnds = [...header.matchAll(/\S+( loss)?/g)].map((m) => m.index! + m[0].length);
  rows.forEach((row, i) => {
    const cells = [...row.replace(/ {2}\*$/, "").matchAll(/\S+/g)];
    assert.deepEqual(cells.map((m) => m.index! + m[0].length), titleEnds, `row ${i + 1} is not aligned under the header:\n${header}\n${row}`);
    assert.equal(cells[0][0], String(i + 1));
    assert.equal(cells[1][0], history.trainLosses[i].toFixed(4), "train loss column");
    assert.equal(cells[2][0], history.valLosses[i].toFixed(4), "validation loss column");
  });
  assert.match(all[at + 4], /^best epoch \d \(validation loss \d\.\d{4}\), test loss \d\.\d{4}; checkpoint written to run$/);

  const plain = await marble(["fit", "--anchor", "pos0.npy", "--vector", "vel0.npy", "--k", "8", "--epochs", "1", "--no-diffusion", "--out", "run-nodiff"], dir);
  assert.equal(plain.code, 0, plain.stderr);
  assert.match(plain.stderr, /^epoch +train loss +val\. loss +lr +seconds$/m, "no t column without diffusion");
  const quiet = await marble(["fit", "--anchor", "pos0.npy", "--vector", "vel0.npy", "--k", "8", "--epochs", "1", "--quiet", "--out", "run-quiet"], dir);
  assert.equal(quiet.code, 0, quiet.stderr);
  assert.equal(quiet.stderr + quiet.stdout, "");
});

function readCsv(path: string): { header: string[]; rows: number[][] } {
  const [head, ...body] = lines(readFileSync(path, "utf8"));
  return { header: head.split(","), rows: body.map((l) => l.split(",").map(Number)) };
}

test("transform writes CSV with a header and the condition of each point; .npy stays a plain matrix", async () => {
  assert.equal((await trainOnce()).code, 0);
  const csv = await marble(["transform", "--model", "run", ...pairs, "--output", "z.csv"], dir);
  assert.equal(csv.code, 0, csv.stderr);
  const npy = await marble(["transform", "--model", "run", ...pairs, "--output", "z.npy"], dir);
  assert.equal(npy.code, 0, npy.stderr);
  const stored = readNpy(join(dir, "z.npy"));
  assert.deepEqual(stored.shape, [160, 4]);
  const z = npyToMatrix(stored);
  const { header, rows } = readCsv(join(dir, "z.csv"));
  assert.deepEqual(header, ["z0", "z1", "z2", "z3", "condition"]);
  assert.equal(rows.length, 160);
  rows.forEach((row, i) => {
    assert.equal(row.length, 5);
    assert.deepEqual(row.slice(0, 4), Array.from(z.row(i)), `row ${i}: CSV and .npy differ`);
    assert.equal(row[4], i < 80 ? 0 : 1, `row ${i}: condition`);
  });
  // fit --embedding uses the same format
  const fitted = readCsv(join(dir, "fit-z.csv"));
  assert.deepEqual(fitted.header, header);
  assert.deepEqual(fitted.rows, rows);
});

test("shape checks between anchor and vector files come before the graph is built", async () => {
  const pos = npyToMatrix(readNpy(join(dir, "pos0.npy")));
  writeNpy({ shape: [80], data: Float64Array.from({ length: 80 }, (_, i) => pos.get(i, 0)) }, join(dir, "a1d.npy"));
  writeNpy(new Matrix(60, 2, new Float64Array(120).fill(0.5)), join(dir, "vel60.npy"));
  writeNpy(new Matrix(80, 3, new Float64Array(240).map((_, i) => Math.sin(i))), join(dir, "pos3d.npy"));
  writeNpy(new Matrix(80, 3, new Float64Array(240).map((_, i) => Math.cos(i))), join(dir, "vel3d.npy"));
  // --k 500 would stop the graph construction; the shape errors must come first
  const cases: [string[], string][] = [
    [["--anchor", "a1d.npy", "--vector", "vel0.npy"], "--anchor a1d.npy (80 × 1, a 1-D array) and --vector vel0.npy (80 × 2) have different numbers of columns"],
    [["--anchor", "pos0.npy", "--vector", "vel0.npy", "--anchor", "pos1.npy", "--vector", "vel60.npy"], "condition 1: --anchor pos1.npy (80 × 2) and --vector vel60.npy (60 × 2) have different numbers of rows"],
    [["--anchor", "pos0.npy", "--vector", "vel0.npy", "--anchor", "pos3d.npy", "--vector", "vel3d.npy"], "--anchor pos3d.npy (80 × 3) has 3 columns but --anchor pos0.npy (80 × 2) has 2"],
  ];
  for (const [files, message] of cases) {
    const r = await marble(["fit", ...files, "--k", "500", "--out", "shape"], dir);
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.startsWith(`marble fit: ${message}`), `expected "${message}", got ${r.stderr}`);
  }
  // one column of vectors is a scalar signal, which MARBLE accepts
  writeNpy(new Matrix(80, 1, new Float64Array(80).map((_, i) => Math.sin(i / 7))), join(dir, "scalar.npy"));
  const scalar = await marble(["fit", "--anchor", "pos0.npy", "--vector", "scalar.npy", "--k", "8", "--epochs", "1", "--quiet", "--out", "scalar"], dir);
  assert.equal(scalar.code, 0, scalar.stderr);
  // transform: the files against the model's dimensions
  assert.equal((await trainOnce()).code, 0);
  const t = await marble(["transform", "--model", "run", "--anchor", "pos3d.npy", "--vector", "vel3d.npy", "--output", "z3.csv"], dir);
  assert.equal(t.code, 1);
  assert.match(t.stderr, /--anchor pos3d\.npy \(80 × 3\) has 3 columns; the model in run was trained on 2-dimensional anchors/);
});

test("bin/marble.js and npx --prefix run the CLI from another folder", { skip: !existsSync(join(ROOT, "dist", "cli", "index.js")) && "dist/ is not built (npm test builds it)" }, async () => {
  const r = await marbleBin(["fit", "--anchor", "pos0.npy", "--vector", "vel0.npy", "--k", "8", "--epochs", "1", "--quiet", "--out", "from-bin"], dir);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(existsSync(join(dir, "from-bin", "model.json")), "paths are relative to the caller's folder");
  assert.equal((await marbleBin(["fti"], dir)).code, 2);
  // --no-install: never fetch the unrelated registry package of the same name
  const viaNpx = await npx(["--no-install", "--prefix", ROOT, "marble", "--help"], dir);
  assert.equal(viaNpx.code, 0, viaNpx.stderr);
  assert.match(viaNpx.stdout, /^usage: marble <command>/);
});
