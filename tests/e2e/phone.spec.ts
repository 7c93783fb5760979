/**
 * A 390x844 phone: no page is wider than the viewport (tables scroll in their own boxes), the
 * top-functions table shows function names, the runqlat heat map keeps a usable width. Screenshots of
 * the phone layout, of dark mode and of the folded host panels go to test-results/uxa11y/.
 */
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { ensureA11yData, type A11yData } from './a11y-data';

let data: A11yData;
const SHOTS = path.join(process.cwd(), 'test-results', 'uxa11y');

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  const ctx = await browser.newContext({ storageState: process.env.E2E_ADMIN_STATE });
  data = await ensureA11yData(ctx.request, new URL(test.info().project.use.baseURL!).origin);
  await ctx.close();
});

/** how far the page reaches past the viewport, px, and the widest elements that do it */
const overflow = (page: Page) =>
  page.evaluate(() => {
    const vw = document.documentElement.clientWidth;
    const wide: string[] = [];
    for (const el of Array.from(document.body.querySelectorAll<HTMLElement>('*'))) {
      const r = el.getBoundingClientRect();
      // inside a box that scrolls sideways it does not widen the page (unless it is positioned outside
      // the box: a visually hidden label at its static place in a wide table did that)
      let clipped = false;
      const positioned = ['absolute', 'fixed'].includes(getComputedStyle(el).position);
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        const ox = getComputedStyle(p).overflowX;
        if ((ox === 'auto' || ox === 'scroll' || ox === 'hidden') && (!positioned || getComputedStyle(p).position !== 'static')) {
          clipped = true;
          break;
        }
      }
      if (!clipped && r.right > vw + 1 && r.width > 0)
        wide.push(`${el.tagName.toLowerCase()}.${String(el.className).slice(0, 60)} right=${Math.round(r.right)}`);
    }
    return { scrollWidth: document.documentElement.scrollWidth, viewport: vw, wide: wide.slice(0, 8) };
  });

test.describe('390 px phone', () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test('no page is wider than the viewport', async ({ page }) => {
    test.setTimeout(180_000);
    const paths = [
      '/hosts',
      `/hosts/${data.hostId}`,
      `/hosts/${data.authFailedId}`,
      `/hosts/${data.hostId}/history`,
      '/hosts/import',
      '/reports',
      `/reports/${data.dashboardReportId}`,
      '/reports/import',
      `/runs/${data.runIds.tcplife}`,
      `/runs/${data.runIds.profile}`,
      '/admin',
      '/admin/users',
      '/admin/tokens',
      '/admin/audit',
    ];
    const wide: string[] = [];
    for (const p of paths) {
      await page.goto(p);
      await page.waitForLoadState('networkidle');
      const o = await overflow(page);
      if (o.scrollWidth > o.viewport) wide.push(`${p}: ${o.scrollWidth} px wide (viewport ${o.viewport}): ${o.wide.join(', ')}`);
    }
    expect(wide, wide.join('\n')).toEqual([]);
  });

  test('the host page: function names in top functions, a usable runqlat heat map; screenshots', async ({ page }) => {
    await page.goto(`/hosts/${data.hostId}`);
    const profile = page.getByTestId('card-profile');
    const firstFn = profile.getByTestId('top-function-row').first().locator('td').nth(1);
    await expect(firstFn).not.toBeEmpty({ timeout: 30_000 });
    const fnBox = (await firstFn.boundingBox())!;
    expect(fnBox.width).toBeGreaterThanOrEqual(150);
    expect((await firstFn.innerText()).trim().length).toBeGreaterThan(0);
    const heat = page.getByTestId('card-runqlat').getByTestId('latency-heatmap-canvas');
    await expect(heat).toBeVisible({ timeout: 30_000 });
    expect((await heat.boundingBox())!.width).toBeGreaterThanOrEqual(180);
    // the checked host's key and capability panels are one line
    await expect(page.getByTestId('host-summary')).toBeVisible();
    await expect(page.getByTestId('host-details')).toHaveCount(0);
    await page.screenshot({ path: path.join(SHOTS, 'phone-host-top.png') });
    await profile.scrollIntoViewIfNeeded();
    await profile.screenshot({ path: path.join(SHOTS, 'phone-profile-card.png') });
    await page.getByTestId('card-runqlat').screenshot({ path: path.join(SHOTS, 'phone-runqlat-card.png') });
    await page.goto('/hosts');
    await page.screenshot({ path: path.join(SHOTS, 'phone-hosts.png'), fullPage: true });
    await page.goto('/reports');
    await page.screenshot({ path: path.join(SHOTS, 'phone-reports.png'), fullPage: true });
  });
});

test('screenshots: dark mode, and the folded and unfolded host panels', async ({ page }) => {
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto(`/hosts/${data.hostId}`);
  await expect(page.getByTestId('card-execsnoop').getByTestId('event-row').first()).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: path.join(SHOTS, 'host-folded-panels.png') });
  await page.getByRole('button', { name: /Host details/ }).click();
  await expect(page.getByTestId('host-details')).toBeVisible();
  await expect(page.getByTestId('capabilities')).toBeVisible();
  await page.screenshot({ path: path.join(SHOTS, 'host-unfolded-panels.png') });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.reload();
  await expect(page.getByTestId('card-runqlat').getByTestId('latency-heatmap-canvas')).toBeVisible({ timeout: 30_000 });
  // dark mode is the system's: the page background really is dark
  const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
  expect(bg).not.toMatch(/rgb\(248, 250, 252\)|oklch\(0\.98/);
  await page.screenshot({ path: path.join(SHOTS, 'dark-host.png') });
  await page.getByTestId('card-profile').screenshot({ path: path.join(SHOTS, 'dark-profile-card.png') });
  await page.getByTestId('card-runqlat').screenshot({ path: path.join(SHOTS, 'dark-runqlat-card.png') });
  await page.getByTestId('card-biosnoop').screenshot({ path: path.join(SHOTS, 'dark-biosnoop-card.png') });
  await page.getByTestId('card-tcplife').screenshot({ path: path.join(SHOTS, 'dark-tcplife-card.png') });
  await page.goto(`/hosts/${data.authFailedId}`);
  await page.screenshot({ path: path.join(SHOTS, 'dark-auth-failed.png') });
});
