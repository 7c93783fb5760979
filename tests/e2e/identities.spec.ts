/**
 * SSH identities in Chromium (Admin → SSH identities): add a passphrase-protected key, see the fingerprint
 * ssh-keygen computes and the public half to install; a wrong passphrase is refused with its own message;
 * rotate to another key (the fingerprint changes); delete. The private keys are written where
 * secrets.teardown.ts looks, so the end-of-run search covers them too (no page, response or log may hold them).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { generateTestKey } from '@/tests/helpers/ssh-keys';
import { dataDir } from './auth-helpers';

function fingerprint(publicLine: string): string {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-pub-')), 'k.pub');
  fs.writeFileSync(f, publicLine + '\n');
  return execFileSync('ssh-keygen', ['-l', '-f', f], { encoding: 'utf8' }).split(' ')[1];
}

test('add a passphrase-protected key, refuse a wrong passphrase, rotate, delete', async ({ page }) => {
  const first = generateTestKey({ passphrase: 'correct horse', comment: 'e2e-identity-1' });
  const second = generateTestKey({ comment: 'e2e-identity-2' });
  fs.appendFileSync(path.join(dataDir(), 'e2e-test-key-identities'), first.private + second.private);
  const name = `e2e-identity-${Date.now().toString(36)}`;

  await page.goto('/admin');
  await page.getByRole('link', { name: 'SSH identities' }).click();
  await expect(page).toHaveTitle(/SSH identities/);
  const add = page.getByRole('form', { name: 'Add an SSH identity' });
  await add.getByLabel('Name').fill(name);
  await add.getByLabel('Private key (OpenSSH or PEM)').fill(first.private);
  await add.getByLabel('Passphrase (if the key has one)').fill('wrong horse');
  await add.getByRole('button', { name: 'Add identity' }).click();
  await expect(add.getByRole('alert')).toContainText('wrong passphrase');

  await add.getByLabel('Passphrase (if the key has one)').fill('correct horse');
  await add.getByRole('button', { name: 'Add identity' }).click();
  const row = page.getByTestId(`identity-${name}`);
  await expect(row).toContainText('passphrase-protected');
  await expect(row.getByTestId('identity-fingerprint')).toHaveText(fingerprint(first.public));
  // the public half, ready for authorized_keys: type and base64 blob exactly as ssh-keygen wrote them
  await expect(row.getByLabel(`public key of ${name}`)).toContainText(first.public.split(' ').slice(0, 2).join(' '));
  await expect(add.getByLabel('Name')).toHaveValue('');
  await page.screenshot({ path: test.info().outputPath('identities.png'), fullPage: true });

  await row.getByRole('button', { name: 'Rotate' }).click();
  const rotate = row.getByRole('form', { name: `rotate ${name}` });
  await rotate.getByLabel('Private key (OpenSSH or PEM)').fill(second.private);
  await rotate.getByRole('button', { name: 'Rotate the key' }).click();
  await expect(row.getByTestId('identity-fingerprint')).toHaveText(fingerprint(second.public));
  await expect(row).not.toContainText('passphrase-protected');

  const html = await page.content();
  for (const k of [first.private, second.private]) {
    const body = k.split('\n').slice(1, -2).join('');
    expect(html.includes(body.slice(0, 40)), 'no private key in the page').toBe(false);
  }

  page.once('dialog', (d) => void d.accept());
  await row.getByRole('button', { name: 'Delete' }).click();
  await expect(page.getByTestId(`identity-${name}`)).toHaveCount(0);
  const list = (await (await page.request.get('/api/identities')).json()) as { identities: Array<{ name: string }> };
  expect(list.identities.map((i) => i.name)).not.toContain(name);
});
