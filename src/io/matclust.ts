/**
 * Spike times from MatClust-style MAT-files: nested cell arrays (e.g. `spikes{day}{epoch}{tetrode}{unit}`)
 * whose leaves are structs with a spike-time field (`time`). Empty slots (`[]`) and units without
 * spikes are common; both are counted, never skipped silently.
 */
import type { MatValue } from "./mat5.js";
import { readMat } from "./mat.js";
import { toFloat64 } from "./dtype.js";

export interface SpikeUnit {
  /** 1-based cell indices from the variable down to the unit, e.g. [1, 1, 3, 5]. */
  path: number[];
  /** The unit's group, e.g. its tetrode: `path` without the last index, joined by "/". */
  group: string;
  /** Spike times as stored (seconds for MatClust), sorted ascending. */
  times: Float64Array;
}

export interface MatClustSpikes {
  /** Units with at least one spike (units without spikes are listed in `emptyUnitPaths`). */
  units: SpikeUnit[];
  counts: {
    /** Groups (tetrodes) holding at least one unit struct. */
    groups: number;
    /** Cells at the group level that hold no unit at all (empty tetrodes). */
    emptyGroups: number;
    /** Unit structs found, with or without spikes. */
    unitStructs: number;
    /** Unit slots that are empty (`[]`) rather than a struct. */
    emptySlots: number;
    /** Unit structs whose spike-time field is empty. */
    emptyUnits: number;
    /** Units with spikes (= units.length). */
    units: number;
    spikes: number;
    /** Spike times that were not in ascending order and were sorted. */
    unsortedUnits: number;
  };
  emptyUnitPaths: number[][];
}

export interface MatClustOptions {
  /** Field of each unit struct holding the spike times (default "time"). */
  field?: string;
}

/** Walks nested cells to the structs holding `field`; counts empty slots and empty units. */
export function spikeTimesFromMatClust(value: MatValue, options: MatClustOptions = {}, where = "spikes"): MatClustSpikes {
  const field = options.field ?? "time";
  const units: SpikeUnit[] = [];
  const emptyUnitPaths: number[][] = [];
  const counts = { groups: 0, emptyGroups: 0, unitStructs: 0, emptySlots: 0, emptyUnits: 0, units: 0, spikes: 0, unsortedUnits: 0 };
  // The deepest cells hold the units; a group is a cell whose items are structs or empty slots.
  const isEmpty = (v: MatValue) => (v.kind === "numeric" || v.kind === "cell" || v.kind === "char") && v.shape.some((d) => d === 0);
  const visit = (v: MatValue, path: number[]): void => {
    if (v.kind === "struct") {
      if (!v.fieldNames.includes(field)) {
        throw new Error(`${where}${path.length ? `{${path.join("}{")}}` : ""}: a struct without a "${field}" field (fields: ${v.fieldNames.join(", ")}); name the spike-time field with field`);
      }
      if (v.elements.length === 0) {
        counts.emptySlots++;
        return;
      }
      v.elements.forEach((el, i) => {
        const unitPath = v.elements.length > 1 ? [...path, i + 1] : path;
        counts.unitStructs++;
        const t = el[field];
        if (t.kind !== "numeric") throw new Error(`${where}{${unitPath.join("}{")}}.${field}: expected numeric spike times, found ${t.kind}`);
        const times = toFloat64(t.data, `${where}{${unitPath.join("}{")}}.${field}`).slice();
        if (times.length === 0) {
          counts.emptyUnits++;
          emptyUnitPaths.push(unitPath);
          return;
        }
        for (let k = 0; k < times.length; k++) {
          if (!Number.isFinite(times[k])) throw new Error(`${where}{${unitPath.join("}{")}}.${field}: spike ${k + 1} is ${times[k]}`);
        }
        let sorted = true;
        for (let k = 1; k < times.length && sorted; k++) if (times[k] < times[k - 1]) sorted = false;
        if (!sorted) {
          times.sort();
          counts.unsortedUnits++;
        }
        units.push({ path: unitPath, group: unitPath.slice(0, -1).join("/"), times });
        counts.spikes += times.length;
      });
      return;
    }
    if (v.kind !== "cell") {
      if (isEmpty(v)) {
        counts.emptySlots++;
        return;
      }
      throw new Error(`${where}{${path.join("}{")}}: expected a cell, a unit struct or an empty slot, found ${v.kind} of shape ${v.shape.join(" × ")}`);
    }
    const holdsUnits = v.items.length > 0 && v.items.every((it) => it.kind === "struct" || isEmpty(it)) && v.items.some((it) => it.kind === "struct");
    if (holdsUnits) counts.groups++;
    v.items.forEach((it, i) => visit(it, [...path, i + 1]));
  };
  // Group-level empties: cells whose siblings are groups. Count them after the walk by a second look.
  const countEmptyGroups = (v: MatValue): void => {
    if (v.kind !== "cell") return;
    const childGroups = v.items.filter((it) => it.kind === "cell");
    if (childGroups.length > 0) {
      for (const it of v.items) if (it.kind !== "cell" && isEmpty(it)) counts.emptyGroups++;
      for (const it of childGroups) countEmptyGroups(it);
    }
  };
  visit(value, []);
  countEmptyGroups(value);
  // Empty slots at the group level were counted as empty slots by the walk; keep them apart.
  counts.emptySlots -= counts.emptyGroups;
  counts.units = units.length;
  return { units, counts, emptyUnitPaths };
}

/** Reads the spike times of a MatClust-style MAT-file (`variable` defaults to "spikes"). */
export async function readMatClustSpikes(path: string, options: MatClustOptions & { variable?: string } = {}): Promise<MatClustSpikes> {
  const vars = await readMat(path);
  const name = options.variable ?? "spikes";
  const v = vars[name];
  if (!v) throw new Error(`${path}: no variable "${name}" (variables: ${Object.keys(vars).join(", ") || "none"}); pass variable`);
  return spikeTimesFromMatClust(v, options, `${path}: ${name}`);
}
