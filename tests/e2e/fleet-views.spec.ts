/**
 * The fleet views in Chromium, on the real per-host results of tests/fixtures/fleet (dev gallery page
 * /dev/viz/fleet): the merged flame graph and a frame's share per host, the latency overview's outlier,
 * folding identical event rows, the tcplife graph's fleet edges, the host filter. No bpftrace runs here
 * (the fleet e2e, fleet.spec.ts, does that). Screenshots are saved for a look.
 */
import { expect, test } from '@playwright/test';

test.describe.configure({ mode: 'serial' });

test('merged flame graph: the busy function, its share per host, normalised per CPU, filtered by tag', async ({ page }) => {
  await page.goto('/dev/viz/fleet?tool=profile');
  const view = page.getByTestId('fleet-view-profile');
  await expect(view.getByTestId('fleet-flame-samples')).toContainText('from 4 hosts');
  // pick the busy function in the top-functions table: its share per host, wherever it is on the stack
  await view
    .getByRole('button', { name: /bpfdeck_busy_loop/ })
    .first()
    .click();
  const shares = view.getByTestId('fleet-function-shares');
  await expect(shares.locator('tbody tr')).toHaveCount(4);
  // fleet12 ran no busy loop: 0 %, last
  await expect(shares.locator('tbody tr').last()).toHaveAttribute('data-host', 'fleet12');
  await expect(shares.locator('tr[data-host="fleet12"]').getByTestId('share-of-frame')).toHaveText('0.0 %');
  for (const h of ['fleet11', 'fleet21', 'fleet31']) await expect(shares.locator(`tr[data-host="${h}"]`).getByTestId('share-of-frame')).not.toHaveText('0.0 %');
  // click the frame in the graph itself: the call path's shares appear
  await view.locator('[data-testid="flamegraph"] g', { hasText: 'bpfdeck_busy_loop' }).first().click();
  await expect(view.getByTestId('fleet-path-shares')).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('fleet-flame.png'), fullPage: true });
  await view.getByLabel('Normalise by CPU count').check();
  await expect(view.getByTestId('fleet-flame-samples')).toContainText('samples per CPU');
  // filter to role=db: two hosts
  await view.getByLabel('Show hosts').selectOption('selector');
  await view.getByLabel('Host selector').fill('role=db');
  await view.getByRole('button', { name: 'Apply' }).click();
  await expect(view.getByTestId('fleet-host-filter-count')).toHaveText('2 of 4 hosts');
  await expect(view.getByTestId('fleet-flame-samples')).toContainText('from 2 hosts');
  await view.getByLabel('Host selector').fill('role=[db]');
  await view.getByRole('button', { name: 'Apply' }).click();
  await expect(view.getByRole('alert')).toContainText('showing every host');
});

test('latency overview: the outlier host stands out; heat maps side by side', async ({ page }) => {
  await page.goto('/dev/viz/fleet?tool=runqlat');
  const o = page.getByTestId('fleet-latency-overview');
  await expect(o.locator('tr[data-host="fleet31"]')).toHaveAttribute('data-outlier', 'yes');
  for (const h of ['fleet11', 'fleet12', 'fleet21']) await expect(o.locator(`tr[data-host="${h}"]`)).toHaveAttribute('data-outlier', 'no');
  await expect(page.getByTestId('fleet-latency-heatmaps').locator('section')).toHaveCount(4);
  // outliers first
  await expect(page.getByTestId('fleet-latency-heatmaps').locator('section').first()).toHaveAttribute('data-host', 'fleet31');
  await page.screenshot({ path: test.info().outputPath('fleet-runqlat.png'), fullPage: true });
});

test('event table with a host column; fold identical rows like clubak', async ({ page }) => {
  await page.goto('/dev/viz/fleet?tool=execsnoop');
  const view = page.getByTestId('fleet-view-execsnoop');
  await expect(view.getByRole('columnheader', { name: /Host/ }).first()).toBeVisible();
  await view.getByLabel('Fold identical rows').check();
  await expect(view.getByRole('columnheader', { name: /Host set/ })).toBeVisible();
  await view.getByPlaceholder('Filter all columns').fill('nonexistent-bdkfx');
  const row = view.locator('tbody tr', { hasText: 'cat /dev/null' }).first();
  await expect(row).toContainText('fleet[11-12,21,31]');
  await page.screenshot({ path: test.info().outputPath('fleet-execsnoop-folded.png'), fullPage: true });
});

test('tcplife: sessions between fleet addresses are edges between fleet hosts, matched at both ends', async ({ page }) => {
  await page.goto('/dev/viz/fleet?tool=tcplife');
  const edges = page.getByTestId('fleet-edges');
  for (const [a, b] of [
    ['fleet11', 'fleet21'],
    ['fleet12', 'fleet31'],
    ['fleet31', 'fleet11'],
  ]) {
    const e = edges.locator(`tr[data-source="${a}"][data-target="${b}"]`);
    await expect(e).toHaveCount(1);
    await expect(e.getByTestId('fleet-edge-matched')).toHaveText('2');
  }
  await expect(page.getByTestId('graph-edge')).toHaveCount(3);
  await page.screenshot({ path: test.info().outputPath('fleet-tcplife.png'), fullPage: true });
  await page.getByLabel('Show hosts').selectOption({ label: 'fleet12' });
  await expect(edges.locator('tbody tr')).toHaveCount(1);
});

test('cachestat lines and the fleet compare render', async ({ page }) => {
  await page.goto('/dev/viz/fleet?tool=cachestat');
  await expect(page.getByTestId('fleet-cache-chart').locator('.recharts-line')).toHaveCount(4);
  await page.screenshot({ path: test.info().outputPath('fleet-cachestat.png'), fullPage: true });
  await page.goto('/dev/viz/fleet?tool=profile');
  await expect(page.getByTestId('diff-flamegraph')).toBeVisible();
  await expect(page.locator('[data-testid="diff-flamegraph"] g[data-name="bpfdeck_busy_loop"]').first()).toBeAttached();
  await page.locator('#fleet-compare').screenshot({ path: test.info().outputPath('fleet-compare.png') });
});
