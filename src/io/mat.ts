/** MAT-files of any version: Level 5 (v5/v6/v7) read directly, v7.3 (HDF5) through h5wasm. */
import { closeSync, openSync, readSync } from "node:fs";
import { readMat73 } from "./hdf5.js";
import { type MatValue, readMat5 } from "./mat5.js";

const HDF5_SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];

/** True when the file holds an HDF5 signature at byte 0 or at the 512-byte user-block offset MATLAB uses. */
export function isHdf5File(path: string): boolean {
  const fd = openSync(path, "r");
  try {
    const buf = new Uint8Array(520);
    const n = readSync(fd, buf, 0, 520, 0);
    const at = (o: number) => n >= o + 8 && HDF5_SIGNATURE.every((b, i) => buf[o + i] === b);
    return at(0) || at(512);
  } finally {
    closeSync(fd);
  }
}

/** Reads every variable of a MAT-file, whatever its version. */
export async function readMat(path: string): Promise<Record<string, MatValue>> {
  return isHdf5File(path) ? readMat73(path) : readMat5(path);
}
