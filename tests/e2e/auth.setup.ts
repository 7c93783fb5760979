/**
 * First start, as a person does it: a fresh bpfdeck sends every page to /setup; the first admin is
 * created there with the setup code from the server's data directory, and lands signed in. The
 * session is saved for the other specs (playwright.config.ts, project "setup").
 */
import { expect, test as setup } from '@playwright/test';
import { ADMIN, setupCode } from './auth-helpers';

setup('a fresh install leads every page to /setup, where the first admin is created', async ({ page }) => {
  const state = process.env.E2E_ADMIN_STATE!;
  await page.goto('/hosts');
  // playwright.config.ts gives every run a fresh data directory: an admin there already means it was not
  await expect(page, 'a fresh bpfdeck sends every page to /setup (is the data directory fresh?)').toHaveURL(/\/setup$/);
  for (const p of ['/', '/reports', '/admin/users', '/runs/AAAAAAAAAAAAAAAAAAAAAA']) {
    await page.goto(p);
    await expect(page, p).toHaveURL(/\/setup$/);
  }
  await expect(page.getByTestId('setup-hint')).toContainText('setup-token');
  await page.getByLabel('Setup code').fill('wrong-code');
  await page.getByLabel('Email').fill(ADMIN.email);
  await page.getByLabel('Name').fill('e2e admin');
  await page.getByLabel(/^Password \(at least/).fill(ADMIN.password);
  await page.getByLabel('Password again').fill(ADMIN.password);
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page.getByRole('alert').filter({ hasText: 'Setup failed' })).toContainText('wrong setup code');
  await page.getByLabel('Setup code').fill(setupCode());
  await page.getByRole('button', { name: 'Create admin and sign in' }).click();
  await expect(page).toHaveURL(/\/hosts$/);
  await expect(page.getByTestId('signed-in-as')).toContainText(`${ADMIN.email} admin`);
  // /setup is closed now
  await page.goto('/setup');
  await expect(page).toHaveURL(/\/hosts$/); // /setup -> /login -> (signed in) the default page
  await page.context().storageState({ path: state });
});
