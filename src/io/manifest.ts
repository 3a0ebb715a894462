/**
 * Dataset manifests (data-manifests/*.json): where a dataset's files are, their checksums, licence,
 * citation and loader. Validated against data-manifests/schema.json by a small interpreter of the
 * JSON-Schema keywords that schema uses (type, required, properties, additionalProperties, enum,
 * pattern, minLength, minItems, minimum, items), so the schema file stays the single definition.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { manifestsDir } from "./paths.js";

export interface ManifestFile {
  filename: string;
  url?: string;
  /** "dandi-asset": `url` is a DANDI assets query whose first result names the asset to download. */
  resolve?: "direct" | "dandi-asset";
  size?: number;
  md5?: string;
  sha256?: string;
  description?: string;
}

export interface DatasetManifest {
  name: string;
  title?: string;
  description: string;
  licence: string;
  citation: string[];
  doi?: string;
  homepage?: string;
  format: string;
  loader: string;
  /** "download": fetched into the cache; "repository": shipped in data/. */
  location: "download" | "repository";
  notes?: string;
  files: ManifestFile[];
}

type Schema = {
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  additionalProperties?: boolean;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  minItems?: number;
  minimum?: number;
  items?: Schema;
};

function typeOf(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Checks `value` against `schema`; returns messages naming the failing path (empty when valid). */
export function validateAgainstSchema(value: unknown, schema: Schema, path = "$"): string[] {
  const errors: string[] = [];
  const t = typeOf(value);
  if (schema.type && !(schema.type === t || (schema.type === "number" && t === "integer"))) {
    return [`${path}: expected ${schema.type}, found ${t}`];
  }
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: must be one of ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`);
  if (typeof value === "string") {
    if (schema.minLength !== undefined && value.length < schema.minLength) errors.push(`${path}: shorter than ${schema.minLength} characters`);
    if (schema.pattern && !new RegExp(schema.pattern, "u").test(value)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  }
  if (typeof value === "number" && schema.minimum !== undefined && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${path}: needs at least ${schema.minItems} item(s)`);
    if (schema.items) value.forEach((item, i) => errors.push(...validateAgainstSchema(item, schema.items as Schema, `${path}[${i}]`)));
  }
  if (t === "object") {
    const obj = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in obj)) errors.push(`${path}: missing required "${key}"`);
    for (const [key, v] of Object.entries(obj)) {
      const sub = schema.properties?.[key];
      if (sub) errors.push(...validateAgainstSchema(v, sub, `${path}.${key}`));
      else if (schema.additionalProperties === false) {
        errors.push(`${path}: unknown key "${key}" (allowed: ${Object.keys(schema.properties ?? {}).join(", ")})`);
      }
    }
  }
  return errors;
}

let cachedSchema: { dir: string; schema: Schema } | null = null;

function loadSchema(dir: string): Schema {
  if (cachedSchema?.dir !== dir) {
    cachedSchema = { dir, schema: JSON.parse(readFileSync(join(dir, "schema.json"), "utf8")) as Schema };
  }
  return cachedSchema.schema;
}

/**
 * Validates a parsed manifest: the schema, plus rules JSON Schema cannot express here
 * (downloadable files need a URL; file names are unique; `name` matches the file name).
 */
export function validateManifest(manifest: unknown, options: { file?: string; dir?: string } = {}): string[] {
  const dir = options.dir ?? manifestsDir();
  const errors = validateAgainstSchema(manifest, loadSchema(dir));
  if (errors.length) return errors;
  const m = manifest as DatasetManifest;
  if (options.file && basename(options.file, ".json") !== m.name) {
    errors.push(`$.name: "${m.name}" must equal the file name "${basename(options.file, ".json")}"`);
  }
  const seen = new Set<string>();
  m.files.forEach((f, i) => {
    if (seen.has(f.filename)) errors.push(`$.files[${i}]: duplicate filename "${f.filename}"`);
    seen.add(f.filename);
    if (m.location === "download" && !f.url) errors.push(`$.files[${i}]: a downloadable file needs a url`);
    if (m.location === "download" && f.filename.includes("/")) errors.push(`$.files[${i}]: downloaded file names must not contain "/"`);
  });
  return errors;
}

/** Reads and validates one manifest file; throws listing every problem. */
export function readManifest(path: string, dir?: string): DatasetManifest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new Error(`${path}: not valid JSON (${(err as Error).message})`, { cause: err });
  }
  const errors = validateManifest(parsed, { file: path, dir });
  if (errors.length) throw new Error(`${path}: invalid manifest:\n  ${errors.join("\n  ")}`);
  return parsed as DatasetManifest;
}

/** Every manifest in the manifests folder (default: the repository's data-manifests/), by name. */
export function loadManifests(dir: string = manifestsDir()): Map<string, DatasetManifest> {
  const out = new Map<string, DatasetManifest>();
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith(".json") || file === "schema.json") continue;
    const m = readManifest(join(dir, file), dir);
    out.set(m.name, m);
  }
  return out;
}

/** One manifest by name, with a clear error listing the known names. */
export function getManifest(name: string, dir: string = manifestsDir()): DatasetManifest {
  const path = join(dir, `${name}.json`);
  if (!existsSync(path) || name === "schema") {
    const known = [...loadManifests(dir).keys()];
    throw new Error(`unknown dataset "${name}"; known datasets: ${known.join(", ")}`);
  }
  return readManifest(path, dir);
}
