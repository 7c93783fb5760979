/**
 * kstack/ustack text as bpftrace prints it (map keys, printf("%s", kstack)), see FORMAT.md section 4:
 *   default mode: "\n" + one frame per line, indented 4 spaces (0.17 keys) or 8 (0.23 keys, printf),
 *                 "sym+off", demangled C++ names may hold spaces and parens, unresolved = "0x7f6c85977140";
 *   perf mode:    "\tffffffff81249089 x64_sys_call+89", user frames end in " (module)";
 *   empty stack:  "" (0.17) or "\n" (0.23).
 */

/** `+89` (decimal as bpftrace prints it; hex accepted too). */
const OFFSET_SUFFIX_RE = /\+(?:0x[0-9a-fA-F]+|\d+)$/;
/** perf mode: a tab, the bare hex address, a space, then the symbol. */
const PERF_LINE_RE = /^\t([0-9a-fA-F]+) (.*)$/;
/** perf mode module suffix: " (/usr/lib/x86_64-linux-gnu/libc.so.6)", " ([unknown])" */
const PERF_MODULE_RE = / \([^()]*\)$/;

/** One frame line -> the function name (offset stripped), or null for a blank line. */
export function parseFrame(line: string): string | null {
  let sym: string;
  const perf = PERF_LINE_RE.exec(line);
  if (perf) {
    sym = perf[2].replace(PERF_MODULE_RE, '').trim();
    if (sym === '') sym = `0x${perf[1]}`;
  } else {
    sym = line.trim();
  }
  if (sym === '') return null;
  return sym.replace(OFFSET_SUFFIX_RE, '') || sym;
}

/** Frames of a stack, leaf (innermost) first, as bpftrace prints them; [] for an empty stack. */
export function parseStack(s: string): string[] {
  const frames: string[] = [];
  for (const line of s.split('\n')) {
    const f = parseFrame(line);
    if (f !== null) frames.push(f);
  }
  return frames;
}
