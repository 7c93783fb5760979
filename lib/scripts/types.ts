/** Custom scripts (lib/scripts): shapes shared by the service, the API and the pages. */

/** One message of bpftrace's about a script, placed at its line when bpftrace gave one. */
export interface ScriptDiagnostic {
  severity: 'error' | 'warning';
  /** 1-based line in the script; null when bpftrace named no place (e.g. a failed include) */
  line: number | null;
  /** 1-based column of the start; null without a place */
  column: number | null;
  /** last line of the place, when bpftrace gave a range of lines (`line-endline`); null otherwise */
  endLine: number | null;
  /** 1-based column just past the underline (`line:col-endcol`: `4:3-9` underlines columns 3 to 8); null when not given */
  endColumn: number | null;
  /** bpftrace's own words, after "ERROR: " / "WARNING: " */
  message: string;
}

/** A compile-only check of a script's text on one host (bpftrace --emit-elf: parsed, analysed, compiled, never loaded). */
export interface ScriptCheck {
  ok: boolean;
  sha256: string;
  hostId: string;
  hostName: string;
  bpftraceVersion: string | null;
  exitCode: number | null;
  diagnostics: ScriptDiagnostic[];
  /** bpftrace's stderr as it came (the harmless RLIMIT_MEMLOCK notice left out), for what the parser did not place */
  stderr: string;
  checkedAt: string;
  checkedBy: string;
}

export interface PublicScriptVersion {
  id: string;
  number: number;
  sha256: string;
  author: string;
  createdAt: string;
  approvedBy: string | null;
  approvedAt: string | null;
  /** the last check of this text on a host, if any */
  check: ScriptCheck | null;
  /** the text itself: only in single-version and script-detail answers */
  text?: string;
}

export interface PublicScript {
  id: string;
  name: string;
  description: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  /** newest first */
  versions: PublicScriptVersion[];
  /** the newest approved version: what operators run */
  approvedVersionId: string | null;
}

/** One line of a diff between two versions (lib/scripts/diff). */
export interface DiffLine {
  op: 'same' | 'add' | 'del';
  /** line number in the older text (same, del) */
  oldLine: number | null;
  /** line number in the newer text (same, add) */
  newLine: number | null;
  text: string;
}
