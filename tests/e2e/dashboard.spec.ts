/**
 * "Run the dashboard" on a real fleet host (fleet11, bpftrace 0.17) while this test makes load of
 * known shape, then every card must show data from that run: table rows with this test's own events
 * (its processes, opens, O_DIRECT writes by a dd copy of its own name, TCP sessions to its own port,
 * a slow ext4 fsync of its own file, retransmits of its own lossy transfer between two network
 * namespaces it made), heat-map histograms, chart points, graph edges, flame-graph frames. A screenshot
 * of each card is saved.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { expect, test, type APIRequestContext } from '@playwright/test';
import { REGISTRY } from '@/lib/tools/registry';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { startBusyLoop } from '../integration/helpers';
import { requireExt4OnBlockDevice } from '../integration/host-facts';
import { createNetnsPair, removeStaleNetns, type NetnsPair } from '../integration/netns';
import { parseWorkloadOutput, type Ext4Workload } from '../fixtures/ext4slower/workload';

const MARK = `bpfdeck-dash-${Date.now().toString(36)}`;

async function apiCall<T>(req: APIRequestContext, origin: string, method: string, url: string, data?: unknown): Promise<T> {
  const res = await req.fetch(url, { method, data, headers: method === 'GET' ? {} : { origin } });
  const text = await res.text();
  if (!res.ok()) throw new Error(`${method} ${url}: HTTP ${res.status()}: ${text.slice(0, 500)}`);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Load for ~12 s: processes with a marker argv, opens of marker files, direct I/O by a dd of a unique name, fsyncs, TCP, CPU. */
function startLoad(dir: string, ddComm: string): { stop: () => void; tcpPort: Promise<number> } {
  const children: ChildProcess[] = [startBusyLoop(14)];
  const sh = (script: string) => children.push(spawn('sh', ['-c', script], { cwd: dir, stdio: 'ignore' }));
  const until = `end=$(($(date +%s)+12)); while [ $(date +%s) -lt $end ]; do`;
  // biosnoop and biolatency: O_DIRECT writes by a copy of dd whose comm is this test's own
  fs.copyFileSync('/bin/dd', path.join(dir, ddComm));
  fs.chmodSync(path.join(dir, ddComm), 0o755);
  sh(`${until} /bin/echo ${MARK} > /dev/null; cat ${MARK}-missing 2>/dev/null; sleep 0.2; done`);
  sh(`${until} ./${ddComm} if=/dev/zero of=${MARK}.dio bs=4k count=64 oflag=direct status=none; sleep 0.3; done`);
  sh(`${until} dd if=/dev/zero of=${MARK}.big bs=1M count=48 status=none; sync ${MARK}.big 2>/dev/null || sync; cat ${MARK}.big > /dev/null; sleep 0.5; done`);
  // TCP: a local server and short connections with known bytes
  const server = net.createServer((sock) => sock.on('data', () => {}).on('end', () => sock.end()));
  const tcpPort = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));
  const timer = setInterval(() => {
    const addr = server.address();
    if (!addr || typeof addr === 'string') return;
    const c = net.connect(addr.port, '127.0.0.1', () => c.end(Buffer.alloc(10_000, 1)));
    c.on('error', () => {});
  }, 300);
  return {
    tcpPort,
    stop: () => {
      clearInterval(timer);
      server.close();
      for (const c of children) c.kill('SIGKILL');
    },
  };
}

/** ext4 operations of known length (tests/fixtures/ext4slower/workload.py): a 128 MiB write, fsync, cold read. */
function ext4Workload(dir: string, comm: string): Promise<Ext4Workload> {
  const script = path.join(process.cwd(), 'tests/fixtures/ext4slower/workload.py');
  return new Promise((resolve, reject) => {
    execFile('python3', [script, dir, '--comm', comm, '--mb', '128'], { timeout: 60_000 }, (err, stdout, stderr) =>
      err ? reject(new Error(`ext4 workload failed: ${err.message}\n${stderr}`)) : resolve(parseWorkloadOutput(stdout)),
    );
  });
}

/** One TCP transfer between the pair's namespaces with 10 % of the packets into b dropped: the client retransmits. */
async function lossyTransfer(p: NetnsPair, port: number): Promise<void> {
  const workload = path.join(process.cwd(), 'tests/fixtures/tcpretrans/lossy-transfer.cjs');
  const server = p.spawn('b', [process.execPath, workload, 'server', p.addrB, String(port), '1000']);
  try {
    await new Promise<void>((resolve, reject) => {
      server.stdout!.once('data', () => resolve());
      server.once('exit', (c) => reject(new Error(`lossy-transfer server exited ${c}`)));
    });
    await p.exec('a', [process.execPath, workload, 'client', p.addrB, String(port), '2000000'], 60_000);
  } finally {
    server.kill('SIGKILL');
  }
}

/** fleet11 added through the API, its key pinned after comparing with ssh-keygen, and checked */
async function addFleet11(req: APIRequestContext, origin: string, label: string): Promise<string> {
  const f = fleetHost('fleet11');
  const { host } = await apiCall<{ host: { id: string } }>(req, origin, 'POST', '/api/hosts', {
    name: `${label}-fleet11-${Date.now().toString(36)}`,
    address: f.address,
    port: f.port,
    username: f.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  const { hostKey } = await apiCall<{ hostKey: { fingerprint: string } }>(req, origin, 'POST', `/api/hosts/${host.id}/hostkey/scan`, {});
  expect(hostKey.fingerprint).toBe(execFileSync('ssh-keygen', ['-l', '-f', f.hostKeyPath], { encoding: 'utf8' }).split(' ')[1]);
  await apiCall(req, origin, 'POST', `/api/hosts/${host.id}/hostkey/accept`, { fingerprint: hostKey.fingerprint });
  await apiCall(req, origin, 'POST', `/api/hosts/${host.id}/check`, {});
  return host.id;
}

test('run the dashboard on a fleet host: all ten cards fill with data from that run', async ({ page }) => {
  test.setTimeout(300_000);
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const host = { id: await addFleet11(page.request, origin, 'dash') };

  await page.goto(`/hosts/${host.id}`);
  const tools = REGISTRY.map((t) => t.id);
  for (const t of tools) await expect(page.getByTestId(`card-${t}`)).toBeVisible();

  requireExt4OnBlockDevice('/var/tmp', 'the dashboard test (ext4slower and biosnoop cards)');
  const dir = fs.mkdtempSync(path.join('/var/tmp', `${MARK}-`));
  const ddComm = `bdkdd${randomBytes(4).toString('hex')}`; // 13 chars: within comm's 15
  const e4Comm = `bdke4${randomBytes(4).toString('hex')}`;
  await removeStaleNetns();
  const pair = await createNetnsPair('dsh', 242);
  await pair.dropIncomingTcp('b', 0.1);
  const retransPort = 44000 + (process.pid % 1000);
  await page.getByLabel('Dashboard duration in seconds').selectOption('20');
  const load = startLoad(dir, ddComm);
  let ext4: Ext4Workload;
  try {
    await page.getByRole('button', { name: /Run the dashboard/ }).click();
    // every card shows a progress bar while its run goes on...
    await expect(page.getByRole('progressbar', { name: 'profile progress' })).toBeVisible({ timeout: 30_000 });
    // ...and while all ten trace: a slow ext4 fsync and a lossy transfer, once the probes are attached:
    // ext4slower's second record is its header, printed by BEGIN once all 33 probes are attached (that
    // takes seconds with ten bpftraces starting at once: a fixed wait missed it twice); tcpretrans prints
    // attached_probes just before attaching its 3 probes (as in tool-tcpretrans.test.ts: 2 s more).
    // The runs last 20 s, counted from bpftrace's start: time left for both after the attach.
    const ext4Done = expect(page.getByTestId('progress-text-ext4slower'))
      .toHaveText(/ · ([2-9]|\d{2,}) records$/, { timeout: 30_000 })
      .then(() => ext4Workload(path.join(dir, 'e4'), e4Comm));
    const transferDone = expect(page.getByTestId('progress-text-tcpretrans'))
      .toHaveText(/ · [1-9][\d,]* records$/, { timeout: 30_000 })
      .then(() => page.waitForTimeout(2_000))
      .then(() => lossyTransfer(pair, retransPort));
    [ext4] = await Promise.all([ext4Done, transferDone]);
    // ...and one sticky bar says how many run and how long is left, with Cancel all
    const sticky = page.getByTestId('sticky-progress');
    await expect(sticky).toContainText(new RegExp(`${REGISTRY.length} running · \\d+ s left`));
    await expect(sticky.getByRole('button', { name: 'Cancel all' })).toBeEnabled();
    fs.mkdirSync('test-results', { recursive: true });
    await page.mouse.wheel(0, 1500);
    await expect(sticky).toBeInViewport();
    await page.screenshot({ path: 'test-results/dashboard-sticky-progress.png' });
    // ...and ends completed
    for (const t of tools) {
      await expect(page.getByTestId(`card-${t}`).getByTestId('run-status'), t).toHaveText('completed', { timeout: 150_000 });
    }
  } finally {
    load.stop();
    await pair.destroy();
  }
  const tcpPort = await load.tcpPort;
  const card = (t: string) => page.getByTestId(`card-${t}`);
  // tables with this test's own events
  await card('execsnoop').getByPlaceholder('Filter all columns').fill(MARK);
  await expect(card('execsnoop').getByTestId('event-row').first()).toBeVisible({ timeout: 15_000 });
  await card('opensnoop').getByPlaceholder('Filter all columns').fill(`${MARK}-missing`);
  await expect(card('opensnoop').getByTestId('event-row').first()).toContainText('ENOENT', { timeout: 15_000 });
  // biosnoop: the O_DIRECT writes of this test's dd copy
  await card('biosnoop').getByPlaceholder('Filter all columns').fill(ddComm);
  await expect(card('biosnoop').getByTestId('event-row').first()).toContainText(ddComm, { timeout: 15_000 });
  // tcplife: the sessions to this test's own server port
  await card('tcplife').getByPlaceholder('Filter all columns').fill(String(tcpPort));
  await expect(card('tcplife').getByTestId('event-row').first()).toContainText('127.0.0.1', { timeout: 15_000 });
  await expect(card('tcplife').getByTestId('graph-edge').first()).toBeAttached();
  // ext4slower: the workload's fsync of 128 MiB (well over the 10 ms default), by its comm, on its file
  const fsync = ext4.ops.find((o) => o.op === 'S')!;
  expect(fsync.ms, 'precondition: the fsync took over the 10 ms threshold').toBeGreaterThan(25);
  await card('ext4slower').getByPlaceholder('Filter all columns').fill(e4Comm);
  await expect(card('ext4slower').getByTestId('event-row').first()).toContainText('big.dat', { timeout: 15_000 });
  // tcpretrans: retransmits of the lossy transfer, between the test's own namespace addresses
  await card('tcpretrans').getByPlaceholder('Filter all columns').fill(pair.addrB);
  await expect(card('tcpretrans').getByTestId('event-row').first()).toContainText(pair.addrA, { timeout: 15_000 });
  // heat maps: histogram bars and percentiles
  for (const t of ['biolatency', 'runqlat']) {
    await expect(card(t).getByTestId('histogram-bar').first(), t).toBeAttached({ timeout: 15_000 });
    await expect(card(t).getByTestId('latency-percentiles'), t).toContainText(/p99/);
  }
  // charts: one point per second
  await expect(card('cachestat').locator('[data-testid=cache-rates-chart] .recharts-line-curve').first()).toBeAttached({ timeout: 15_000 });
  // flame graph with the busy loop
  await expect
    .poll(async () => (await card('profile').locator('[data-testid=flamegraph] svg title').allTextContents()).some((t) => t.startsWith('bpfdeck_busy_loop')), {
      timeout: 15_000,
    })
    .toBe(true);
  // every result says how much CPU bpftrace used on the host
  await expect(page.getByText(/bpftrace CPU on host: \d+\.\d+ s/)).toHaveCount(REGISTRY.length);
  await expect(page.getByTestId('sticky-progress')).toHaveCount(0);
  // Expand takes the full row and keeps the card's state (its filter stays typed)
  await card('execsnoop').getByRole('button', { name: 'Expand execsnoop to the full row' }).click();
  await expect(card('execsnoop')).toHaveAttribute('data-expanded', 'true');
  await expect(card('execsnoop').getByPlaceholder('Filter all columns')).toHaveValue(MARK);
  await card('profile').getByRole('button', { name: 'Expand profile to the full row' }).click();
  await card('profile').screenshot({ path: 'test-results/dashboard-profile-expanded.png' });
  await card('execsnoop').getByRole('button', { name: 'Shrink execsnoop to half a row' }).click();
  fs.mkdirSync('test-results', { recursive: true });
  for (const t of tools) await card(t).screenshot({ path: `test-results/dashboard-${t}.png` });
  await page.screenshot({ path: 'test-results/dashboard-full.png', fullPage: true });
  fs.rmSync(dir, { recursive: true, force: true });
});

test('an unchecked host says so and nothing can be run', async ({ page }) => {
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const f = fleetHost('fleet11');
  const { host } = await apiCall<{ host: { id: string } }>(page.request, origin, 'POST', '/api/hosts', {
    name: `unchecked-${Date.now().toString(36)}`,
    address: f.address,
    port: f.port,
    username: f.user,
    privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8'),
  });
  await page.goto(`/hosts/${host.id}`);
  await expect(page.getByTestId('not-checked')).toContainText('not checked yet: check the host first');
  await expect(page.getByText(/tools can run on this host/)).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Run the dashboard (0 tools, 30 s)' })).toBeDisabled();
  await expect(page.getByTestId('card-execsnoop').getByRole('button', { name: /Run execsnoop for/ })).toBeDisabled();
  await expect(page.getByTestId('unchecked-execsnoop')).toHaveText('Not checked yet: check the host first.');
});

test("ext4slower's threshold is set on its card: checked as typed, sent with the run, shown on the result", async ({ page }) => {
  test.setTimeout(120_000);
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const hostId = await addFleet11(page.request, origin, 'thr');
  await page.goto(`/hosts/${hostId}`);
  const card = page.getByTestId('card-ext4slower');
  const threshold = card.getByLabel('ext4slower Threshold (ms)');
  const run = card.getByRole('button', { name: /Run ext4slower for/ });
  await expect(threshold).toHaveValue('10');
  await threshold.fill('-1');
  await expect(card.getByRole('alert')).toHaveText('Threshold (ms): a whole number from 0 to 60000');
  await expect(run).toBeDisabled();
  // 0: every ext4 read, write, open and fsync, so this test's own small writes show
  await threshold.fill('0');
  await expect(card.getByRole('alert')).toHaveCount(0);
  await card.getByLabel('ext4slower duration in seconds').selectOption('10');
  const dir = fs.mkdtempSync(path.join('/var/tmp', `${MARK}-thr-`));
  const writer = spawn('sh', ['-c', `end=$(($(date +%s)+12)); while [ $(date +%s) -lt $end ]; do echo x >> ${MARK}.thr; sleep 0.2; done`], {
    cwd: dir,
    stdio: 'ignore',
  });
  try {
    await run.click();
    await expect(card.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
  } finally {
    writer.kill('SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  }
  await expect(card.getByText('Threshold (ms) 0', { exact: true })).toBeVisible();
  await card.getByPlaceholder('Filter all columns').fill(`${MARK}.thr`);
  await expect(card.getByTestId('event-row').first()).toBeVisible({ timeout: 15_000 });
  await card.screenshot({ path: 'test-results/dashboard-ext4slower-threshold.png' });
  // the run page says what it ran with
  await card.getByRole('link', { name: /^result of / }).click();
  await expect(page.getByText(/variant ext4slower · bpftrace [\d.]+ · minLatencyMs 0/)).toBeVisible();
});
