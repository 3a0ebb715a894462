/**
 * Where the reaching notebook's data come from, in this order: the authors' Dataverse files when
 * they are in the download cache (marble data fetch macaque-reaching); else a long trial table
 * named by MARBLE_REACHING_DATA; else the simulated stand-in. The choice is returned with a
 * sentence saying which, so a notebook can never present simulated numbers as recorded ones.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../core/validate.js";
import { datasetCacheDir } from "../../io/fetch.js";
import { getManifest } from "../../io/manifest.js";
import { readTrialTableSessions } from "../../io/trials/long-table.js";
import { readConditionsSpikingMat } from "../../io/trials/mat-conditions.js";
import type { TrialRecording } from "../../io/trials/recording.js";
import { simulateMacaqueReaching, type SimulatedMacaqueOptions } from "../../simulators/macaque.js";
import { trialRecordingsFromSimulation } from "./from-simulation.js";

export interface ReachingDataChoice {
  source: "dataverse" | "file" | "simulated";
  recordings: TrialRecording[];
  description: string;
}

/** The Dataverse spike file, when downloaded. */
export function dataverseReachingFile(): string | null {
  try {
    const file = join(datasetCacheDir(getManifest("macaque-reaching")), "conditions_spiking_data.mat");
    return existsSync(file) ? file : null;
  } catch {
    return null;
  }
}

export async function loadReachingData(options: { sessions: number; simulate?: Partial<SimulatedMacaqueOptions>; env?: NodeJS.ProcessEnv } = { sessions: 6 }): Promise<ReachingDataChoice> {
  const env = options.env ?? process.env;
  const dataverse = dataverseReachingFile();
  if (dataverse) {
    const recordings = await readConditionsSpikingMat(dataverse, { sessions: Array.from({ length: options.sessions }, (_, i) => i) });
    if (recordings.every((r) => r.behaviourNames.length === 0)) {
      throw new ValidationError(
        `the Dataverse spike file ${dataverse} is present, but its hand kinematics (kinematics.pkl, kinematics_lfadsSingleFromFactors.mat) are not read by MarbleLab yet; ` +
          "export the sessions as a long trial table (docs/trial-table.md) and point MARBLE_REACHING_DATA at it, or move the file away to run on the simulated stand-in",
      );
    }
    return { source: "dataverse", recordings, description: `Dataverse recordings (doi:10.7910/DVN/KTE4PC) from ${dataverse}` };
  }
  const file = env.MARBLE_REACHING_DATA;
  if (file) {
    if (!existsSync(file)) throw new ValidationError(`MARBLE_REACHING_DATA names ${file}, which does not exist; fix the path or unset it to run on the simulated stand-in`);
    const recordings = await readTrialTableSessions(file);
    return { source: "file", recordings, description: `the trial table ${file} (MARBLE_REACHING_DATA): ${recordings.length} session(s)` };
  }
  const sim = simulateMacaqueReaching({ sessions: options.sessions, ...options.simulate });
  return { source: "simulated", recordings: trialRecordingsFromSimulation(sim), description: `SIMULATED stand-in: ${sim.description}` };
}
