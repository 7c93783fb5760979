/**
 * Custom scripts on the real fleet (lib/scripts): a broken and a fixed version checked on fleet11
 * (bpftrace 0.17) and fleet21 (0.23) by the compile-only check (bpftrace --emit-elf: nothing attaches),
 * bpftrace's message placed at its line; approval only after a passing check; only approved versions
 * run, as Runs with the generic result and the version's sha256 recorded.
 */
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { listRemoteBpftrace } from './fleet';
import { registerFleetHost, useTempDataDir } from './helpers';

beforeAll(() => {
  useTempDataDir('custom-scripts');
});

// The error is on line 4: the statement after the missing semicolon.
const BROKEN = `// opens per process
tracepoint:syscalls:sys_enter_openat {
  @opens[comm] = count()
  printf("open by %s\\n", comm);
}
`;
const FIXED = BROKEN.replace('count()\n', 'count();\n');
const sha = (t: string) => createHash('sha256').update(t).digest('hex');

// a copy of cat with its own name opens a marker file over and over; the script counts its opens by file
const MARK_DIR = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-csit-'));
const MARK_FILE = path.join(MARK_DIR, 'marker.txt');
const OPENER = path.join(MARK_DIR, 'bpfdeckcsit');
const COUNTER = `tracepoint:syscalls:sys_enter_openat /comm == "bpfdeckcsit"/ { @opens[str(args->filename)] = count(); }\n`;

describe.each(['fleet11', 'fleet21'] as const)('%s', (name) => {
  it('a broken version: bpftrace’s own message at line 4; approval refused; fixed: compiles, approved', async () => {
    const { createScript, saveVersion, approveVersion, getScript, runnableVersion } = await import('@/lib/scripts/service');
    const { checkScriptOnHost } = await import('@/lib/scripts/check');
    const { hostId, fleet } = await registerFleetHost(name, { check: true });
    const script = await createScript({ name: `opens-${name}-${Date.now().toString(36)}`, description: '', text: BROKEN }, 'admin@it');
    const v1 = script.versions[0];
    expect(v1).toMatchObject({ number: 1, sha256: sha(BROKEN), author: 'admin@it' });

    // not checked yet: not approvable
    await expect(approveVersion(script.id, v1.id, 'admin@it')).rejects.toThrow(/has not been checked/);

    const bad = await checkScriptOnHost(script.id, hostId, BROKEN, 'admin@it');
    expect(bad.ok).toBe(false);
    expect(bad.exitCode).toBe(1);
    expect(bad.bpftraceVersion).toBe(name === 'fleet11' ? '0.17.0' : '0.23.2');
    expect(bad.diagnostics).toHaveLength(1);
    expect(bad.diagnostics[0]).toMatchObject({ severity: 'error', line: 4, column: 3, endColumn: 9 });
    expect(bad.diagnostics[0].message).toMatch(/^syntax error, unexpected call, expecting (; or )?\}$/);
    // the temp dir path is the host's own; the RLIMIT notice is left out
    expect(bad.stderr).toMatch(/\/tmp\/bpfdeck\.\w{10}\/tool\.bt:4:3-9: ERROR/);
    expect(bad.stderr).not.toMatch(/RLIMIT/);
    // the check is stored with the version that has this text, and a failed one does not approve
    expect((await getScript(script.id)).versions[0].check?.ok).toBe(false);
    await expect(approveVersion(script.id, v1.id, 'admin@it')).rejects.toThrow(/did not pass its check/);
    await expect(runnableVersion(script.id, v1.id)).rejects.toThrow(/not approved/);
    await expect(runnableVersion(script.id)).rejects.toThrow(/no approved version/);

    const v2 = await saveVersion(script.id, FIXED, 'admin@it');
    expect(v2).toMatchObject({ number: 2, sha256: sha(FIXED) });
    await expect(saveVersion(script.id, FIXED, 'admin@it')).rejects.toThrow(/nothing to save/);
    const good = await checkScriptOnHost(script.id, hostId, FIXED, 'admin@it');
    expect(good).toMatchObject({ ok: true, exitCode: 0, diagnostics: [], sha256: sha(FIXED) });
    const approved = await approveVersion(script.id, v2.id, 'approver@it');
    expect(approved.approvedBy).toBe('approver@it');
    expect((await runnableVersion(script.id)).id).toBe(v2.id);
    // a check compiles only: no bpftrace of this host was left behind, none attached
    expect(await listRemoteBpftrace(fleet, { onlyThisHost: true })).toEqual([]);
  }, 90_000);
});

describe.each(['fleet11', 'fleet21'] as const)('%s runs', (name) => {
  it('an approved version runs as a Run: its sha256 and text recorded, the generic result with a map of the marker’s opens', async () => {
    const { createScript, approveVersion } = await import('@/lib/scripts/service');
    const { checkScriptOnHost } = await import('@/lib/scripts/check');
    const { startScriptRun } = await import('@/lib/scripts/run');
    const { waitForRun, getRunResult } = await import('@/lib/runs/service');
    const { db } = await import('@/lib/db/client');
    const { hostId } = await registerFleetHost(name, { check: true });
    const script = await createScript({ name: `counter-${name}-${Date.now().toString(36)}`, description: '', text: COUNTER }, 'admin@it');
    const v1 = script.versions[0];
    expect((await checkScriptOnHost(script.id, hostId, COUNTER, 'admin@it')).ok).toBe(true);
    await approveVersion(script.id, v1.id, 'admin@it');

    fs.writeFileSync(MARK_FILE, 'x\n');
    fs.copyFileSync('/bin/cat', OPENER);
    fs.chmodSync(OPENER, 0o755);
    const opener = spawn('sh', ['-c', `while :; do '${OPENER}' '${MARK_FILE}' >/dev/null; sleep 0.1; done`], { stdio: 'ignore', detached: true });
    try {
      const run = await startScriptRun(script.id, { hostId, durationSec: 4 }, 'operator@it');
      expect(run).toMatchObject({ toolId: 'custom', scriptSource: 'custom', variantId: v1.id, scriptSha256: sha(COUNTER), viz: 'generic' });
      const done = await waitForRun(run.id, 60_000);
      expect(done.status, done.errorMessage ?? '').toBe('completed');
      expect(done.exitCode).toBe(0);
      const row = await db().run.findUniqueOrThrow({ where: { id: run.id } });
      expect(row).toMatchObject({ scriptText: COUNTER, scriptSha256: sha(COUNTER), scriptPath: `${script.name} v1` });
      const result = (await getRunResult(run.id)) as import('@/lib/tools/generic/types').GenericResult;
      expect(result.kind).toBe('generic');
      const map = result.sections.find((x) => x.type === 'map');
      expect(map?.type === 'map' && map.name).toBe('@opens');
      const mine = map?.type === 'map' ? map.rows.find((r) => r.key === MARK_FILE) : undefined;
      // ~10 opens a second for 4 s; at least a few while it traced
      expect(mine?.value).toBeGreaterThan(3);
    } finally {
      if (opener.pid) process.kill(-opener.pid, 'SIGKILL');
    }
  }, 90_000);
});

describe('the executor checks again', () => {
  it('a queued run of an unapproved version fails before anything is pushed, naming why', async () => {
    const { createScript } = await import('@/lib/scripts/service');
    const { queueRun, waitForRun } = await import('@/lib/runs/service');
    const { hostId } = await registerFleetHost('fleet11', { check: true });
    const script = await createScript({ name: `unapproved-${Date.now().toString(36)}`, description: '', text: COUNTER }, 'admin@it');
    const v1 = script.versions[0];
    // what startScriptRun refuses, queued by hand (a row is input too)
    const run = await queueRun(
      { hostId, toolId: 'custom', variantId: v1.id, scriptSha256: v1.sha256, durationSec: 2, scriptSource: 'custom', scriptText: COUNTER },
      'it',
    );
    const done = await waitForRun(run.id, 60_000);
    expect(done.status).toBe('failed');
    expect(done.errorMessage).toBe(`version 1 of ${script.name} is not approved: not run`);
    expect(done.startedAt).toBeNull();
  }, 60_000);
});
