export { diagnoseRecording, formatDiagnostics, type DiagnoseOptions, type DiagnosticsReport, type ConditionDiagnostics } from "./diagnose.js";
