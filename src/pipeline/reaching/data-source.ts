/**
 * Where the reaching notebook's data come from, in this order: the authors' Dataverse files when
 * they are in the download cache (marble data fetch macaque-reaching: the spike file, with
 * kinematics.pkl and trial_ids.pkl for the hand kinematics); else a long trial table
 * named by MARBLE_REACHING_DATA; else the simulated stand-in. The choice is returned with a
 * sentence saying which, so a notebook can never present simulated numbers as recorded ones.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { ValidationError } from "../../core/validate.js";
import { datasetCacheDir } from "../../io/fetch.js";
import { getManifest } from "../../io/manifest.js";
import { readTrialTableSessions } from "../../io/trials/long-table.js";
import { readDataverseReaching, type DataverseReachingFiles } from "../../io/trials/dataverse-kinematics.js";
import type { TrialRecording } from "../../io/trials/recording.js";
import { simulateMacaqueReaching, type SimulatedMacaqueOptions } from "../../simulators/macaque.js";
import { trialRecordingsFromSimulation } from "./from-simulation.js";

export interface ReachingDataChoice {
  source: "dataverse" | "file" | "simulated";
  recordings: TrialRecording[];
  description: string;
}

/** The Dataverse files in the download cache (MARBLE_CACHE_DIR or ~/.cache/marble-lab), by role. */
function dataverseFiles(cacheRoot?: string): DataverseReachingFiles | null {
  let dir: string;
  try {
    dir = datasetCacheDir(getManifest("macaque-reaching"), cacheRoot);
  } catch {
    return null;
  }
  return { spikes: join(dir, "conditions_spiking_data.mat"), kinematics: join(dir, "kinematics.pkl"), trialIds: join(dir, "trial_ids.pkl") };
}

/** The Dataverse spike file, when downloaded. */
export function dataverseReachingFile(cacheRoot?: string): string | null {
  const files = dataverseFiles(cacheRoot);
  return files && existsSync(files.spikes) ? files.spikes : null;
}

export interface LoadReachingDataOptions {
  /** Sessions wanted (the first n; fewer when the data hold fewer, which the description says). */
  sessions: number;
  simulate?: Partial<SimulatedMacaqueOptions>;
  env?: NodeJS.ProcessEnv;
  /** Download cache to look in (default: MARBLE_CACHE_DIR or ~/.cache/marble-lab). */
  cacheDir?: string;
}

export async function loadReachingData(options: LoadReachingDataOptions = { sessions: 6 }): Promise<ReachingDataChoice> {
  const env = options.env ?? process.env;
  const files = dataverseFiles(options.cacheDir);
  if (files && existsSync(files.spikes)) {
    const missing = [files.kinematics, files.trialIds].filter((f) => !existsSync(f));
    if (missing.length) {
      throw new ValidationError(
        `the Dataverse spike file ${files.spikes} is present but not ${missing.join(" nor ")}, which hold the hand kinematics and pair them with the spike trials; ` +
          "fetch them (marble data fetch macaque-reaching), or move the spike file away to use MARBLE_REACHING_DATA or the simulated stand-in",
      );
    }
    const recordings = await readDataverseReaching(files, { firstSessions: options.sessions });
    const fewer = recordings.length < options.sessions ? ` (the files hold ${recordings.length} of the ${options.sessions} sessions asked for)` : "";
    return { source: "dataverse", recordings, description: `Dataverse recordings (doi:10.7910/DVN/KTE4PC) from ${files.spikes} with kinematics.pkl and trial_ids.pkl: ${recordings.length} session(s)${fewer}` };
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
