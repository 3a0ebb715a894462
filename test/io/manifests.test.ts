// Every manifest in data-manifests/ validates against schema.json; the validator catches the
// mistakes it is there for; the shipped files match their recorded sha256.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { loadManifests, validateManifest, getManifest, verifyDataset, manifestsDir, type DatasetManifest } from "../../src/index.js";

const DIR = manifestsDir();

test("every manifest validates against the schema", () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith(".json") && f !== "schema.json");
  assert.ok(files.length >= 6, `found ${files.length} manifests`);
  for (const f of files) {
    const parsed = JSON.parse(readFileSync(join(DIR, f), "utf8"));
    assert.deepEqual(validateManifest(parsed, { file: f, dir: DIR }), [], f);
  }
  const all = loadManifests(DIR);
  for (const name of ["rat-hippocampus", "rnn-weights", "macaque-reaching", "dandi-000128", "dandi-000140", "shipped"]) {
    assert.ok(all.has(name), `missing manifest ${name}`);
  }
});

test("the rat manifest carries CEBRA's four figshare files and MD5s", () => {
  const rats = getManifest("rat-hippocampus", DIR);
  assert.deepEqual(rats.files.map((f) => f.filename), ["achilles.jl", "buddy.jl", "cicero.jl", "gatsby.jl"]);
  assert.ok(rats.files.every((f) => /^https:\/\/figshare\.com\/ndownloader\/files\/408494\d\d$/.test(f.url ?? "") && /^[0-9a-f]{32}$/.test(f.md5 ?? "")));
  assert.equal(getManifest("rnn-weights", DIR).licence, "MIT");
  assert.throws(() => getManifest("nope", DIR), /unknown dataset "nope"; known datasets: dandi-000128/);
});

test("the validator reports what is wrong and where", () => {
  const good = getManifest("rat-hippocampus", DIR);
  const bad = (edit: (m: Record<string, unknown>) => void) => {
    const m = structuredClone(good) as unknown as Record<string, unknown>;
    edit(m);
    return validateManifest(m, { file: "rat-hippocampus.json", dir: DIR }).join("\n");
  };
  assert.match(bad((m) => delete m.licence), /\$: missing required "licence"/);
  assert.match(bad((m) => ((m.files as Record<string, unknown>[])[0].md5 = "xyz")), /\$\.files\[0\]\.md5: "xyz" does not match/);
  assert.match(bad((m) => ((m.files as Record<string, unknown>[])[1].url = "http://insecure")), /\$\.files\[1\]\.url/);
  assert.match(bad((m) => (m.licenze = "x")), /unknown key "licenze"/);
  assert.match(bad((m) => (m.location = "cloud")), /\$\.location: must be one of "download", "repository"/);
  assert.match(bad((m) => delete (m.files as Record<string, unknown>[])[2].url), /files\[2\]: a downloadable file needs a url/);
  assert.match(bad((m) => ((m.files as Record<string, unknown>[])[3].filename = "achilles.jl")), /duplicate filename "achilles.jl"/);
  assert.match(bad((m) => ((m.files as Record<string, unknown>[])[0].filename = "../../etc/passwd")), /filename/);
  assert.match(bad((m) => (m.name = "other")), /must equal the file name "rat-hippocampus"/);
  assert.match(bad((m) => (m.files = [])), /\$\.files: needs at least 1 item/);
});

test("shipped files match the sha256 recorded in the shipped manifest", async () => {
  const shipped: DatasetManifest = getManifest("shipped", DIR);
  const entries = await verifyDataset(shipped);
  assert.equal(entries.length, 18);
  for (const e of entries) assert.equal(e.status, "verified", `${e.file.filename}: ${e.problems.join("; ")}`);
  // The rats' hashes are the ones published in data/README.md.
  const readme = readFileSync(join(DIR, "..", "data", "README.md"), "utf8");
  for (const f of shipped.files) assert.ok(readme.includes(f.sha256 as string), `${f.filename} sha256 not in data/README.md`);
});
