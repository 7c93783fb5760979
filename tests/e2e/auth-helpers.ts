/**
 * Sign-in for the e2e tests. The "setup" project (auth.setup.ts) creates the first admin through the
 * /setup page with the server's setup code, and saves the session to E2E_ADMIN_STATE, which the other
 * specs start from (playwright.config.ts). The other specs may also sign in by themselves with the
 * same account (ADMIN), which works whether or not setup has run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, type APIRequestContext, type Page } from '@playwright/test';

export const ADMIN = {
  email: process.env.E2E_ADMIN_EMAIL ?? 'e2e-admin@bpfdeck.test',
  password: process.env.E2E_ADMIN_PASSWORD ?? 'e2e-admin-password-not-secret',
};

export function dataDir(): string {
  const d = process.env.E2E_DATA_DIR;
  if (!d) throw new Error('E2E_DATA_DIR is not set (playwright.config.ts sets it)');
  return d;
}

/** The setup code the server generated into its data directory (or BPFDECK_SETUP_TOKEN). */
export function setupCode(): string {
  return process.env.BPFDECK_SETUP_TOKEN ?? fs.readFileSync(path.join(dataDir(), 'setup-token'), 'utf8').trim();
}

/** Sign in through the login form (the page must show it). */
export async function signInWithForm(page: Page, who: { email: string; password: string }): Promise<void> {
  await page.getByLabel('Email').fill(who.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await expect(page.getByTestId('signed-in-as')).toContainText(who.email);
}

/** The JSON API with the Origin header a page of bpfdeck sends (cookie-authenticated changes need it). */
export async function api<T = unknown>(
  req: APIRequestContext,
  origin: string,
  method: string,
  url: string,
  data?: unknown,
): Promise<{ status: number; json: T }> {
  const res = await req.fetch(url, { method, data, headers: method === 'GET' ? {} : { origin } });
  const text = await res.text();
  return { status: res.status(), json: (text ? JSON.parse(text) : null) as T };
}
