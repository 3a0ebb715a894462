/**
 * Many sessions processed alike: each recording is prepared and decoded with the same options,
 * giving one table per session, and every method is compared with MARBLE by a two-sided Wilcoxon
 * signed-rank test paired by session (as the paper's 44-session analysis), for velocity R² and
 * for direction accuracy.
 */
import { wilcoxonSignedRank } from "../../postprocessing/wilcoxon.js";
import { ValidationError } from "../../core/validate.js";
import type { TrialRecording } from "../../io/trials/recording.js";
import { prepareReaching, type ReachingPreprocessOptions } from "./prepare.js";
import { decodeReachingSession, type ReachingDecodeOptions, type SessionDecoding } from "./decode.js";

export interface PairedTest {
  method: string;
  metric: "r2" | "accuracy";
  /** Mean over sessions of MARBLE − method. */
  meanDifference: number;
  statistic: number | null;
  pValue: number | null;
  n: number;
  /** Why there is no test (every difference zero). */
  note: string;
}

export interface ReachingSessionsResult {
  sessions: SessionDecoding[];
  methods: string[];
  /** Mean over sessions per method. */
  meanR2: Record<string, number>;
  meanAccuracy: Record<string, number>;
  meanShuffledTrialsR2: Record<string, number>;
  meanShuffledTimeR2: Record<string, number>;
  tests: PairedTest[];
}

/** Paired two-sided Wilcoxon tests of `reference` against every other method, over sessions. */
export function pairedSessionTests(sessions: SessionDecoding[], reference: string): PairedTest[] {
  const methods = sessions[0].rows.map((r) => r.method).filter((m) => m !== reference);
  const value = (s: SessionDecoding, m: string, metric: "r2" | "accuracy") => {
    const row = s.rows.find((r) => r.method === m);
    if (!row) throw new ValidationError(`pairedSessionTests: session ${s.name} has no method "${m}"; process every session alike`);
    return row[metric];
  };
  return methods.flatMap((m) => (["r2", "accuracy"] as const).map((metric): PairedTest => {
    const a = sessions.map((s) => value(s, reference, metric)), b = sessions.map((s) => value(s, m, metric));
    const meanDifference = a.reduce((acc, v, i) => acc + v - b[i], 0) / a.length;
    if (a.every((v, i) => v === b[i]) || a.length < 2) return { method: m, metric, meanDifference, statistic: null, pValue: null, n: a.length, note: a.length < 2 ? "one session: no test" : "all sessions tie" };
    const w = wilcoxonSignedRank(a, b);
    return { method: m, metric, meanDifference, statistic: w.statistic, pValue: w.pValue, n: w.n, note: "" };
  }));
}

export async function runReachingSessions(
  recordings: TrialRecording[],
  options: { preprocess?: Partial<ReachingPreprocessOptions>; decode?: Partial<ReachingDecodeOptions>; reference?: string; onSession?: (s: SessionDecoding, index: number) => void } = {},
): Promise<ReachingSessionsResult> {
  if (recordings.length === 0) throw new ValidationError("runReachingSessions: no recordings");
  const sessions: SessionDecoding[] = [];
  for (let i = 0; i < recordings.length; i++) {
    const s = await decodeReachingSession(prepareReaching(recordings[i], options.preprocess), options.decode);
    sessions.push(s);
    options.onSession?.(s, i);
  }
  const methods = sessions[0].rows.map((r) => r.method);
  const mean = (f: (s: SessionDecoding, m: string) => number | null) => Object.fromEntries(methods.map((m) => [m, sessions.reduce((a, s) => a + (f(s, m) ?? NaN), 0) / sessions.length]));
  const row = (s: SessionDecoding, m: string) => s.rows.find((r) => r.method === m)!;
  const reference = options.reference ?? methods[0];
  return {
    sessions, methods,
    meanR2: mean((s, m) => row(s, m).r2),
    meanAccuracy: mean((s, m) => row(s, m).accuracy),
    meanShuffledTrialsR2: mean((s, m) => row(s, m).r2ShuffledTrials),
    meanShuffledTimeR2: mean((s, m) => row(s, m).r2ShuffledTime),
    tests: pairedSessionTests(sessions, reference),
  };
}
