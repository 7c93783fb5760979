/**
 * Pinned upstream fixes for the host's own upstream tools. bpfdeck runs the host package's file
 * (README "The host's upstream tools" says why); where an older package ships a file that cannot
 * compile on a host that upstream has since fixed it for, bpfdeck applies upstream's own change, as
 * it is in bpftrace's repository (the commit is named), to the exact text read from the host, and
 * records that it did: the run keeps the sha256 of the host's file, the fix's id and commit, and the
 * text that ran (whose sha256 is the run's scriptSha256). Nothing else is ever changed.
 *
 * Pure: text in, text out. A fix applies only when its `matches` holds for the text and the host.
 */

export interface UpstreamFix {
  /** stable id, stored with the run */
  id: string;
  tool: string;
  /** bpftrace commit that made the change upstream (https://github.com/bpftrace/bpftrace/commit/<commit>) */
  upstreamCommit: string;
  /** the first upstream release with it */
  upstreamRelease: string;
  /** why it is needed, for the run page */
  why: string;
  matches(text: string, host: { btf: boolean }): boolean;
  apply(text: string): string;
}

/** The TASK_RUNNING guard of upstream's runqlat.bt since v0.22.0 (commit aa041d9d8), verbatim. */
const RUNQLAT_BTF_GUARD = `#ifndef BPFTRACE_HAVE_BTF
#include <linux/sched.h>
#else
/*
 * With BTF providing types, full headers are not needed.
 * We only need to supply the preprocessor defines used in this script.
 * TASK_RUNNING is not arch-dependant and has not changed in the linux
 * git history (it is not part of the stable API though)
 */
#define TASK_RUNNING 0
#endif`;

const UNGUARDED_SCHED_INCLUDE = /^#include <linux\/sched\.h>[ \t]*$/m;

export const UPSTREAM_FIXES: readonly UpstreamFix[] = [
  {
    id: 'runqlat-btf-task-running',
    tool: 'runqlat',
    upstreamCommit: 'aa041d9d85f9ec11235c39fdcb5833412ec27083',
    upstreamRelease: 'v0.22.0',
    // Seen on the fleet: Debian 12's 0.17 runqlat.bt stops at "/usr/include/linux/sched.h: unknown type
    // name '__aligned_u64'" on a host without kernel headers, although its kernel has BTF.
    why: 'this runqlat.bt #includes <linux/sched.h> only for TASK_RUNNING, which needs kernel headers the host may not have; upstream (v0.22.0) defines it when the kernel has BTF, and bpfdeck applied that change',
    matches: (text, host) => host.btf && UNGUARDED_SCHED_INCLUDE.test(text) && !text.includes('BPFTRACE_HAVE_BTF') && /\bTASK_RUNNING\b/.test(text),
    apply: (text) => text.replace(UNGUARDED_SCHED_INCLUDE, RUNQLAT_BTF_GUARD),
  },
];

/** What the run records about a fix it applied (Run.scriptPatchJson). */
export interface AppliedFix {
  id: string;
  upstreamCommit: string;
  upstreamRelease: string;
  why: string;
  /** sha256 (hex) of the host's file as read, before the fix */
  hostFileSha256: string;
}

/** The text to run for the host's file of `tool`, with the fixes that match applied (in order). */
export function applyUpstreamFixes(tool: string, text: string, host: { btf: boolean }): { text: string; applied: Array<Omit<AppliedFix, 'hostFileSha256'>> } {
  let out = text;
  const applied: Array<Omit<AppliedFix, 'hostFileSha256'>> = [];
  for (const f of UPSTREAM_FIXES) {
    if (f.tool !== tool || !f.matches(out, host)) continue;
    out = f.apply(out);
    applied.push({ id: f.id, upstreamCommit: f.upstreamCommit, upstreamRelease: f.upstreamRelease, why: f.why });
  }
  return { text: out, applied };
}
