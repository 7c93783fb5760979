/**
 * Keyboard only (no clicks, no mouse): sign in, open a host, start a tool on a real fleet host, reach
 * its result and the next card within a bounded number of Tab presses, open a row's details. The
 * event table is one Tab stop however many rows stream in (roving tabindex), and a skip link jumps from
 * card to card.
 */
import { expect, test, type Page } from '@playwright/test';
import { ADMIN } from './auth-helpers';
import { ensureA11yData, type A11yData } from './a11y-data';

let data: A11yData;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  const ctx = await browser.newContext({ storageState: process.env.E2E_ADMIN_STATE });
  data = await ensureA11yData(ctx.request, new URL(test.info().project.use.baseURL!).origin);
  await ctx.close();
});

/** what has the focus: tag, test id, accessible text */
const focused = (page: Page) =>
  page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el) return { tag: '', testid: '', text: '', card: '', label: '' };
    return {
      tag: el.tagName.toLowerCase(),
      testid: el.dataset.testid ?? '',
      text: (el.innerText ?? el.textContent ?? '').trim().slice(0, 200),
      label: el.getAttribute('aria-label') ?? '',
      card: (el.closest('article[data-testid^="card-"]') as HTMLElement | null)?.dataset.testid ?? '',
    };
  });

/** Tab until `want` holds, at most `max` presses; returns how many it took. */
async function tabUntil(page: Page, want: (f: Awaited<ReturnType<typeof focused>>) => boolean, max: number, what: string): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (want(await focused(page))) return i;
  }
  throw new Error(`${what}: not reached in ${max} presses of Tab (focus is on ${JSON.stringify(await focused(page))})`);
}

test('sign in, open a host, run a tool, reach its result and the next card, open a row: keyboard only', async ({ browser }) => {
  test.setTimeout(240_000);
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } }); // signed out
  const page = await ctx.newPage();
  await page.goto(`/hosts`);
  await expect(page).toHaveURL(/\/login/);
  // the e-mail field, by Tab from the top of the page
  await tabUntil(page, (f) => f.tag === 'input' && f.label === '' && f.text === '', 12, 'the e-mail field');
  expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).name)).toBe('email');
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('signed-in-as')).toContainText(ADMIN.email);
  await expect(page).toHaveURL(/\/hosts$/);

  // open the host: its link in the hosts list
  await tabUntil(page, (f) => f.tag === 'a' && f.text === data.hostName, 60, 'the host link');
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(new RegExp(`/hosts/${data.hostId}$`));
  await expect(page.getByRole('heading', { name: data.hostName })).toBeVisible();

  // start execsnoop for 10 s: its duration select, then its Run button
  await tabUntil(page, (f) => f.label === 'execsnoop duration in seconds', 40, 'the execsnoop duration');
  for (let i = 0; i < 5; i++) await page.keyboard.press('ArrowUp'); // 30 s -> the shortest, 10 s
  await expect(page.getByLabel('execsnoop duration in seconds')).toHaveValue('10');
  const pressesToRun = await tabUntil(page, (f) => f.tag === 'button' && f.text === 'Run execsnoop for 10s', 6, 'the execsnoop Run button');
  expect(pressesToRun).toBeLessThanOrEqual(3);
  await page.keyboard.press('Enter');
  const card = page.getByTestId('card-execsnoop');
  await expect(card.getByRole('progressbar', { name: 'execsnoop progress' })).toBeVisible({ timeout: 30_000 });
  await expect(card.getByRole('progressbar')).toHaveCount(0, { timeout: 90_000 });
  await expect(card.getByTestId('event-row').first()).toBeVisible({ timeout: 30_000 });

  // from the card's top (its skip link), its result is a few Tabs away: the rows are one stop
  await card.getByTestId('skip-execsnoop').focus();
  const toRow = await tabUntil(page, (f) => f.testid === 'event-row' && f.card === 'card-execsnoop', 30, 'an execsnoop row');
  // title link, docs, duration, expand, run, result link, report link, filter, CSV, sort header, column filters..., rows
  expect(toRow).toBeLessThanOrEqual(25);
  // arrow keys move inside the table; Enter opens the row's details, focus goes into them
  await page.keyboard.press('ArrowDown');
  expect((await focused(page)).testid).toBe('event-row');
  await page.keyboard.press('Enter');
  await expect(card.getByTestId('event-details')).toBeVisible();
  expect((await focused(page)).text).toBe('Close');
  await page.keyboard.press('Escape');
  await expect(card.getByTestId('event-details')).toHaveCount(0);

  // past the table to the next card in a few presses, however many rows it holds
  await card.getByTestId('event-row').first().focus();
  const toNext = await tabUntil(page, (f) => f.card === 'card-opensnoop', 6, 'the next card (opensnoop)');
  expect(toNext).toBeLessThanOrEqual(3);
  // the skip link: from the top of one card straight to the next
  await card.getByTestId('skip-execsnoop').focus();
  await page.keyboard.press('Enter');
  expect(await page.evaluate(() => document.activeElement?.id)).toBe('card-opensnoop');
  await ctx.close();
});

test('the whole host page with ten filled cards: every card reached in a bounded number of Tab presses', async ({ page }) => {
  await page.goto(`/hosts/${data.hostId}`);
  await expect(page.getByTestId('card-opensnoop').getByTestId('event-row').first()).toBeVisible({ timeout: 30_000 });
  const order = ['execsnoop', 'opensnoop', 'ext4slower', 'biolatency', 'biosnoop', 'cachestat', 'tcplife', 'tcpretrans', 'runqlat', 'profile'];
  let total = 0;
  for (const t of order) total += await tabUntil(page, (f) => f.card === `card-${t}`, 60, `the ${t} card`);
  // ten cards, each tool's controls and one stop per table or graph: not hundreds of rows
  expect(total).toBeLessThan(400);
  const rowStops = await page.evaluate(() => document.querySelectorAll('tr[data-testid="event-row"][tabindex="0"]').length);
  // one per event table on the page (execsnoop, opensnoop, ext4slower, biosnoop, tcplife, tcpretrans), at most
  expect(rowStops).toBeLessThanOrEqual(6);
  const nodeStops = await page.evaluate(() => document.querySelectorAll('[data-testid="graph-node"][tabindex="0"]').length);
  expect(nodeStops).toBeLessThanOrEqual(1);
});
