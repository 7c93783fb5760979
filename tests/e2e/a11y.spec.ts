/**
 * axe-core (@axe-core/playwright) on every page, with real data (a dashboard run of all ten tools on
 * fleet11, hosts in each state, the dashboard report), in light and in dark mode (the system setting,
 * emulated): any serious or critical violation fails, listed with its rule, impact and elements.
 * Also: the failed login shows the public key to install, never a private one; every page has its own
 * <title>; form errors sit under their fields.
 */
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { ensureA11yData, type A11yData } from './a11y-data';

let data: A11yData;

test.beforeAll(async ({ browser }) => {
  test.setTimeout(300_000);
  const ctx = await browser.newContext({ storageState: process.env.E2E_ADMIN_STATE });
  const origin = new URL(test.info().project.use.baseURL!).origin;
  data = await ensureA11yData(ctx.request, origin);
  await ctx.close();
});

/** The pages, with what each must show before axe looks (so it checks the page with its data, not a skeleton). */
function pages(d: A11yData): Array<{ path: string; ready: (p: Page) => Promise<void>; title: RegExp }> {
  return [
    { path: '/hosts', title: /^Hosts · bpfdeck$/, ready: (p) => expect(p.getByTestId('hosts-table')).toBeVisible() },
    {
      path: `/hosts/${d.hostId}`,
      title: new RegExp(`^${d.hostName} · bpfdeck$`),
      ready: async (p) => {
        await expect(p.getByTestId('card-profile').getByTestId('flamegraph').locator('rect').first()).toBeAttached({ timeout: 30_000 });
        await expect(p.getByTestId('card-execsnoop').getByTestId('event-row').first()).toBeVisible({ timeout: 30_000 });
        await expect(p.getByTestId('card-runqlat').getByTestId('latency-heatmap-canvas')).toBeVisible({ timeout: 30_000 });
      },
    },
    { path: `/hosts/${d.authFailedId}`, title: / · bpfdeck$/, ready: (p) => expect(p.getByTestId('auth-help')).toBeVisible() },
    { path: `/hosts/${d.uncheckedId}`, title: / · bpfdeck$/, ready: (p) => expect(p.getByTestId('not-checked')).toBeVisible() },
    { path: `/hosts/${d.hostId}/history`, title: /^History of .* · bpfdeck$/, ready: (p) => expect(p.getByTestId('report-table')).toBeVisible() },
    { path: '/hosts/import', title: /^Import hosts · bpfdeck$/, ready: (p) => expect(p.getByRole('heading').first()).toBeVisible() },
    { path: '/reports', title: /^Reports · bpfdeck$/, ready: (p) => expect(p.getByTestId('report-table')).toBeVisible() },
    {
      path: `/reports/${d.dashboardReportId}`,
      title: /bpfdeck/,
      ready: (p) => expect(p.getByTestId('flamegraph').locator('rect').first()).toBeAttached({ timeout: 30_000 }),
    },
    { path: '/reports/import', title: /^Import a capture · bpfdeck$/, ready: (p) => expect(p.getByRole('form', { name: 'Import a capture' })).toBeVisible() },
    {
      path: `/runs/${d.runIds.tcplife}`,
      title: /bpfdeck/,
      ready: (p) => expect(p.getByRole('heading').first()).toBeVisible(),
    },
    {
      path: `/runs/${d.runIds.biosnoop}`,
      title: /bpfdeck/,
      ready: (p) => expect(p.getByRole('heading').first()).toBeVisible(),
    },
    { path: '/compare', title: /bpfdeck/, ready: (p) => expect(p.getByRole('heading').first()).toBeVisible() },
    { path: '/admin', title: /^Admin · bpfdeck$/, ready: (p) => expect(p.getByRole('heading').first()).toBeVisible() },
    { path: '/admin/users', title: /^Users · Admin · bpfdeck$/, ready: (p) => expect(p.getByRole('table').first()).toBeVisible() },
    { path: '/admin/tokens', title: /^API tokens · Admin · bpfdeck$/, ready: (p) => expect(p.getByRole('heading').first()).toBeVisible() },
    { path: '/admin/audit', title: /^Audit log · Admin · bpfdeck$/, ready: (p) => expect(p.getByRole('table').first()).toBeVisible() },
  ];
}

async function seriousViolations(page: Page): Promise<string[]> {
  const res = await new AxeBuilder({ page }).analyze();
  // axe really looked at the page (a blank or unloaded page passes nothing)
  expect(res.passes.length).toBeGreaterThan(10);
  return res.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map(
      (v) =>
        `${v.impact} ${v.id}: ${v.help} — ${v.nodes.length} element(s): ${v.nodes
          .slice(0, 3)
          .map((n) => n.target.join(' '))
          .join(' | ')}`,
    );
}

for (const [scheme, width] of [
  ['light', 1440],
  ['dark', 1440],
  ['light', 390],
] as const) {
  test(`axe: no serious or critical violation on any page (${scheme} mode, ${width} px)`, async ({ page }) => {
    test.setTimeout(300_000);
    await page.setViewportSize({ width, height: width === 390 ? 844 : 900 });
    await page.emulateMedia({ colorScheme: scheme });
    const found: string[] = [];
    for (const p of pages(data)) {
      await page.goto(p.path);
      await p.ready(page);
      await expect(page).toHaveTitle(p.title);
      for (const v of await seriousViolations(page)) found.push(`${p.path}: ${v}`);
    }
    expect(found, found.join('\n')).toEqual([]);
  });
}

test('axe on the sign-in page (signed out), light and dark', async ({ browser }) => {
  const ctx = await browser.newContext({ storageState: { cookies: [], origins: [] } }); // signed out
  const page = await ctx.newPage();
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto('/login');
    await expect(page).toHaveTitle('Sign in · bpfdeck');
    await expect(page.getByLabel('Email')).toBeVisible();
    expect(await seriousViolations(page)).toEqual([]);
  }
  await ctx.close();
});

test('a refused login shows the public key to install on the host, never a private key', async ({ page }) => {
  await page.goto('/hosts');
  await expect(page.locator('[data-testid="host-row"]', { hasText: 'a11y-authfail' }).getByTestId('host-status')).toHaveAttribute('data-status', 'auth_failed');
  await expect(page.locator('[data-testid="host-row"]', { hasText: 'a11y-nosudo' }).getByTestId('host-status')).toHaveAttribute('data-status', 'sudo_denied');
  await expect(page.locator('[data-testid="host-row"]', { hasText: 'a11y-nobpftrace' }).getByTestId('host-status')).toHaveAttribute(
    'data-status',
    'no_bpftrace',
  );
  await expect(page.locator('[data-testid="host-row"]', { hasText: 'a11y-unchecked' }).getByTestId('host-status')).toHaveAttribute('data-status', 'not_pinned');
  await expect(page.locator('[data-testid="host-row"]', { hasText: 'a11y-fleet11' }).getByTestId('host-status')).toHaveAttribute('data-status', 'ok');
  await page.goto(`/hosts/${data.authFailedId}`);
  const line = page.getByTestId('authorized-keys-line');
  await expect(line).toContainText(data.authFailedPublicKey);
  expect(await page.content()).not.toMatch(/PRIVATE KEY/);
});

test('form errors: each under its own field, with aria-invalid and aria-describedby, no doubled names', async ({ page }) => {
  await page.goto('/hosts');
  const form = page.getByRole('form', { name: 'Add a host' });
  await form.getByLabel('Name').fill('bad name!');
  await form.getByLabel('SSH user').fill('u');
  await form.getByLabel('Address').fill('a b');
  await form.getByLabel('Port').fill('70000');
  await form.getByLabel(/Private key/).fill('-----BEGIN OPENSSH PRIVATE KEY-----\nx\n');
  await form.getByRole('button', { name: 'Add host' }).click();
  for (const [label, text] of [
    ['Name', 'letters, digits, dot, dash and underscore only'],
    ['Address', 'a host name or an IP address'],
    ['Port', 'at most 65535'],
  ] as const) {
    const input = form.getByLabel(label, { exact: true });
    await expect(input).toHaveAttribute('aria-invalid', 'true');
    const describedBy = (await input.getAttribute('aria-describedby'))!;
    await expect(page.locator(`[id="${describedBy}"]`)).toHaveText(text);
  }
  await expect(form).not.toContainText('name: name:');
  await expect(form.getByLabel('SSH user')).not.toHaveAttribute('aria-invalid', 'true');
});
