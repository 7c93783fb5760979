/**
 * The spine, as a person does it: add a fleet host in the browser, check and accept its host key,
 * click "Run profile", watch the progress bar move, and find a busy process this test started in the
 * flame graph. Real sshd, real bpftrace, real Chromium.
 */
import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import { execFileSync } from 'node:child_process';
import { fleetClientKeyPath, fleetHost } from '../integration/fleet';
import { startBusyLoop } from '../integration/helpers';

test('add a host, pin its key, run profile, see the busy loop in the flame graph', async ({ page }) => {
  const fleet = fleetHost('fleet11');
  await page.goto('/hosts');
  await page.getByLabel('Name').fill('demo-fleet11');
  await page.getByLabel('SSH user').fill(fleet.user);
  await page.getByLabel('Address').fill(fleet.address);
  await page.getByLabel('Port').fill(String(fleet.port));
  await page.getByLabel(/Private key/).fill(fs.readFileSync(fleetClientKeyPath(), 'utf8'));
  await page.getByRole('button', { name: 'Add host' }).click();
  await expect(page.getByRole('heading', { name: 'demo-fleet11' })).toBeVisible();

  // The key is not trusted until a person accepts it; compare with ssh-keygen on the host key file.
  await expect(page.getByText(/Not pinned yet/)).toBeVisible();
  await page.getByRole('button', { name: 'Fetch host key' }).click();
  const expected = execFileSync('ssh-keygen', ['-l', '-f', fleet.hostKeyPath], { encoding: 'utf8' }).split(' ')[1];
  await expect(page.getByTestId('offered-fingerprint')).toHaveText(expected);
  await page.getByRole('button', { name: 'Accept and pin this key' }).click();
  await expect(page.getByTestId('pinned-fingerprint')).toHaveText(expected);
  await expect(page.getByTestId('capabilities')).toContainText(fleetHost('fleet11').bpftraceVersion!, { timeout: 30_000 });

  const busy = startBusyLoop(40);
  try {
    const card = page.getByTestId('card-profile');
    await card.getByLabel('profile duration in seconds').selectOption('10');
    await card.getByRole('button', { name: 'Run profile for 10s' }).click();
    const bar = card.getByRole('progressbar', { name: 'profile progress' });
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(5);
    const early = Number(await bar.getAttribute('aria-valuenow'));
    await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow')), { timeout: 30_000 }).toBeGreaterThan(early);
    // Partial flame graphs arrive while it runs (every 2 s): the graph is drawn before the run ends...
    await expect
      .poll(async () => ((await card.locator('[data-testid=flamegraph] svg').count()) > 0 ? card.getByTestId('run-status').textContent() : 'no graph yet'), {
        timeout: 30_000,
      })
      .toBe('running');
    // ...and the final one once bpftrace has printed its maps.
    await expect(card.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
    const frames = card.locator('[data-testid=flamegraph] svg title');
    await expect.poll(async () => (await frames.allTextContents()).some((t) => t.startsWith('bpfdeck_busy_loop')), { timeout: 15_000 }).toBe(true);
    await card.getByLabel('Search frames').fill('bpfdeck_busy_loop');
    await expect(card.getByTestId('flame-search-share')).toContainText(/matched [1-9]/);
    fs.mkdirSync('test-results', { recursive: true });
    await card.screenshot({ path: 'test-results/e2e-profile-card.png' });
    // The run's own page (its permalink for now) shows the same flame graph.
    await card.getByRole('link', { name: /result of/ }).click();
    await page.waitForURL(/\/runs\//);
    await expect(page.getByTestId('run-status')).toHaveText('completed');
    await expect
      .poll(async () => (await page.locator('[data-testid=flamegraph] svg title').allTextContents()).some((t) => t.startsWith('bpfdeck_busy_loop')), {
        timeout: 15_000,
      })
      .toBe(true);
    await page.screenshot({ path: 'test-results/e2e-profile-flamegraph.png', fullPage: true });
  } finally {
    busy.kill('SIGKILL');
  }
});
