/**
 * bpftrace's error and warning messages about a script, placed at their lines. Pure: tested on real
 * stderr of bpftrace 0.17 and 0.23 (tests/fixtures/custom-check/).
 *
 * Both versions print a located message as
 *
 *     /tmp/bpfdeck.XXXXXXXXXX/tool.bt:3:3-9: ERROR: syntax error, unexpected call, expecting }
 *       printf("x")
 *       ~~~~~~
 *
 * (`file:line:col[-endcol]: ERROR|WARNING: message`, then the source line and an underline, which
 * are not messages); a place spanning lines is `file:line-endline:` (both print a kprobe warning so).
 * Unlocated ones are `ERROR: message`; so are located ones about another file (an #included header):
 * their line numbers are not the script's. The RLIMIT_MEMLOCK notice that every run
 * on these hosts prints is not about the script and is left out. A message can be glued to the end
 * of another line (0.17 prints "…Operation not permittedERROR: …" without a newline): found anywhere.
 */
import type { ScriptDiagnostic } from '@/lib/scripts/types';

/** file, line, column, then either -endcolumn, -endline, or -endline:endcolumn */
const LOCATED = /(?:^|\s)(\S*?):(\d+)(?::(\d+))?(?:-(\d+)(?::(\d+))?)?: (ERROR|WARNING): (.*)$/;
const PLAIN = /(ERROR|WARNING): (.*)$/;
const UNDERLINE = /^\s*[~^]+\s*$/;
/** notices about the host, not about the script */
const NOT_ABOUT_THE_SCRIPT = [/couldn't set RLIMIT_MEMLOCK/, /^Error while reading traceable functions/];
const MAX_DIAGNOSTICS = 100;
const MAX_MESSAGE_CHARS = 2000;

/** `scriptFile`: the name the script had on the host (remote-bpftrace pushes it as tool.bt; `bpftrace -e` says stdin) */
export function parseBpftraceDiagnostics(stderr: string, scriptFile = 'tool.bt'): ScriptDiagnostic[] {
  const lines = stderr.replace(/\r\n/g, '\n').split('\n');
  const out: ScriptDiagnostic[] = [];
  for (let i = 0; i < lines.length && out.length < MAX_DIAGNOSTICS; i++) {
    const line = lines[i];
    const loc = LOCATED.exec(line);
    const file = loc?.[1] ?? '';
    if (loc && (file === scriptFile || file.endsWith(`/${scriptFile}`))) {
      const [, , l, c, a, b, sev, message] = loc;
      const num = (x: string | undefined) => (x === undefined ? null : Number(x));
      out.push({
        severity: sev === 'ERROR' ? 'error' : 'warning',
        line: Number(l),
        column: num(c),
        // "l:c-a" ends at column a of the same line; "l-a" at line a; "l:c-a:b" at line a, column b
        endLine: b !== undefined || c === undefined ? num(a) : null,
        endColumn: b !== undefined ? num(b) : c !== undefined ? num(a) : null,
        message: message.trim().slice(0, MAX_MESSAGE_CHARS),
      });
      // the quoted source line and its underline follow: not messages of their own
      if (i + 2 < lines.length && UNDERLINE.test(lines[i + 2])) i += 2;
      continue;
    }
    const plain = PLAIN.exec(line);
    if (!plain) continue;
    if (loc && i + 2 < lines.length && UNDERLINE.test(lines[i + 2])) i += 2;
    const message = plain[2].trim();
    if (NOT_ABOUT_THE_SCRIPT.some((re) => re.test(message))) continue;
    // a located message about another file keeps its place in the text ("header.h:3:1: ...")
    const where = loc ? `${loc[1]}:${loc[2]}${loc[3] ? `:${loc[3]}` : ''}: ` : '';
    out.push({
      severity: plain[1] === 'ERROR' ? 'error' : 'warning',
      line: null,
      column: null,
      endLine: null,
      endColumn: null,
      message: `${where}${message}`.slice(0, MAX_MESSAGE_CHARS),
    });
  }
  return out;
}

/** stderr without the notices that are about the host rather than the script (what the page shows as bpftrace's output). */
export function scriptStderr(stderr: string): string {
  return stderr
    .split('\n')
    .map((l) => {
      // 0.17 glues the RLIMIT notice to the previous line
      const glued = l.search(/(ERROR|WARNING): Unknown error -1: couldn't set RLIMIT_MEMLOCK/);
      return glued >= 0 ? l.slice(0, glued) : l;
    })
    .filter((l) => l.trim() && !NOT_ABOUT_THE_SCRIPT.some((re) => re.test(l)))
    .join('\n');
}
