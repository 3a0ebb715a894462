export { diagnoseRecording, checkDiagnoseOptions, formatDiagnostics, type DiagnoseOptions, type DiagnosticsReport, type ConditionDiagnostics } from "./diagnose.js";
