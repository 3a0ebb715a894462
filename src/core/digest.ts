/**
 * SHA-256 digests of files the project writes (checkpoint manifests, sweep results), so a damaged
 * or truncated file is told from a good one. node:crypto loads on first use.
 */
import { lazyModule } from "./lazy-module.js";

const nodeCrypto = lazyModule<typeof import("node:crypto")>("node:crypto", "file digests");

/** The SHA-256 of `data` (bytes, or a string as UTF-8), as hex. */
export function sha256(data: Uint8Array | string): string {
  return nodeCrypto().createHash("sha256").update(data).digest("hex");
}
