/**
 * P3 benchmark (prints figures; not a test), in Debian's Chromium through Playwright:
 *  - a 100k-row event table: time until its first rows are painted, and the frame rate while it is
 *    scrolled for 2 s, against the idle frame rate of the same page measured just before (ratio);
 *  - a flame graph of ~100k samples / 20k unique stacks (built from real frames): time until drawn;
 *  - the server time of the host page (time to first byte), against GET /api/tools in the same run.
 * Uses the dev gallery's large inputs (app/dev/viz, BPFDECK_DEV_GALLERY=1). Needs `npm run build`.
 *
 *   npx tsx --conditions=react-server tests/bench/p3-render.ts   (lib/auth is server-only)
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { chromium } from 'playwright-core';

const port = 3221;
const base = `http://127.0.0.1:${port}`;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-p3-'));
process.env.BPFDECK_DATA_DIR = dataDir;
const ADMIN = { email: 'p3@bpfdeck.test', password: 'p3-password-not-secret' };

const { completeSetup } = await import('@/lib/auth/setup');
const { setupToken } = await import('@/lib/auth/first-run');
const { createToken } = await import('@/lib/auth/tokens');
const { createHost } = await import('@/lib/hosts/service');
const admin = await completeSetup({ setupToken: setupToken(), email: ADMIN.email, name: 'p3', password: ADMIN.password });
const { token } = await createToken({ name: 'p3', role: 'admin' }, { userId: admin.id, role: 'admin' });
const host = await createHost({
  name: 'p3-host',
  address: '127.0.0.11',
  port: 22,
  username: 'fleet11',
  privateKey: fs.readFileSync('/var/tmp/bpfdeck-fleet/fleet/client/id_ed25519', 'utf8'),
});

const server = spawn('npx', ['next', 'start', '-p', String(port), '-H', '127.0.0.1'], {
  env: { ...process.env, BPFDECK_DATA_DIR: dataDir, BPFDECK_DEV_GALLERY: '1' },
  stdio: 'ignore',
  detached: true,
});
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (let i = 0; ; i++) {
    try {
      await fetch(`${base}/api/tools`, { headers: { authorization: `Bearer ${token}` } });
      break;
    } catch {
      if (i > 100) throw new Error('no server');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  // Server time: TTFB of the host page vs a trivial API route, 15 each after a warm-up.
  const ttfb = async (p: string) => {
    const t0 = performance.now();
    const res = await fetch(base + p, { headers: { authorization: `Bearer ${token}` } });
    const reader = res.body!.getReader();
    await reader.read();
    const ms = performance.now() - t0;
    await reader.cancel();
    if (!res.ok) throw new Error(`${p}: ${res.status}`);
    return ms;
  };
  for (let i = 0; i < 3; i++) {
    await ttfb(`/hosts/${host.id}`);
    await ttfb('/api/tools');
  }
  const page: number[] = [],
    apiMs: number[] = [];
  for (let i = 0; i < 15; i++) {
    page.push(await ttfb(`/hosts/${host.id}`));
    apiMs.push(await ttfb('/api/tools'));
  }

  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const ctx = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const p = await ctx.newPage();
  await p.goto(`${base}/login`);
  await p.getByLabel('Email').fill(ADMIN.email);
  await p.getByLabel('Password').fill(ADMIN.password);
  await p.getByRole('button', { name: 'Sign in', exact: true }).click();
  await p.getByTestId('signed-in-as').waitFor();
  await p.goto(`${base}/dev/viz#perf`);
  // Strings, not functions: tsx's helpers (__name) do not exist in the page.
  const fps = () =>
    p.evaluate<number>(`new Promise((resolve) => {
    let n = 0; const t0 = performance.now();
    const tick = () => { n++; if (performance.now() - t0 < 2000) requestAnimationFrame(tick); else resolve(n / ((performance.now() - t0) / 1000)); };
    requestAnimationFrame(tick);
  })`);
  const idleFps = await fps();
  await p.getByRole('button', { name: /Generate 100,000 rows/ }).click();
  const tableTiming = p.getByTestId('perf-table-timing');
  await tableTiming.filter({ hasText: /painted \d+ ms/ }).waitFor({ timeout: 60_000 });
  const tableText = (await tableTiming.textContent()) ?? '';
  // Scroll the virtualized table for 2 s while counting frames.
  const scrollFps = await p.evaluate<number>(`new Promise((resolve) => {
    let el = document.querySelector('[data-testid=perf-table] [data-testid=event-row]');
    while (el && !(el.scrollHeight > el.clientHeight + 10 && getComputedStyle(el).overflowY !== 'visible')) el = el.parentElement;
    if (!el) { resolve(-1); return; }
    let n = 0; const t0 = performance.now();
    const tick = () => { n++; el.scrollTop += 400; if (performance.now() - t0 < 2000) requestAnimationFrame(tick); else resolve(n / ((performance.now() - t0) / 1000)); };
    requestAnimationFrame(tick);
  })`);
  await p.getByRole('button', { name: 'Generate a 100k-sample profile' }).click();
  const flameTiming = p.getByTestId('perf-flame-timing');
  await flameTiming.filter({ hasText: /drawn \d+ ms/ }).waitFor({ timeout: 60_000 });
  const flameText = (await flameTiming.textContent()) ?? '';
  await browser.close();

  console.log('P3 rendering (Chromium, this 2-core machine):');
  console.log(`  100k-row event table: ${tableText.trim()}`);
  console.log(
    `    scrolling: ${scrollFps.toFixed(0)} frames/s vs ${idleFps.toFixed(0)} frames/s idle on the same page (ratio ${(scrollFps / idleFps).toFixed(2)})`,
  );
  console.log(`  flame graph: ${flameText.trim()} (target: interactive within 1000 ms)`);
  console.log(
    `  host page server time (TTFB): median ${median(page).toFixed(0)} ms vs GET /api/tools ${median(apiMs).toFixed(0)} ms (ratio ${(median(page) / median(apiMs)).toFixed(1)}x; target under 200 ms)`,
  );
} finally {
  process.kill(-server.pid!, 'SIGTERM');
}
process.exit(0);
