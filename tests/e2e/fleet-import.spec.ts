/**
 * Import + key review in Chromium: paste part of the fleet's ssh_config (a bastion and the host behind
 * it included), preview, map the identity, create; paste a hashed known_hosts that lacks one host; the
 * page pins the keys it vouches for and the admin accepts the last one by hand. Screenshots are saved.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { fleetClientKeyPath, fleetHost, fleetPaths } from '../integration/fleet';

test('import an ssh_config, pin keys against known_hosts, accept the rest one by one', async ({ page }) => {
  const origin = new URL(test.info().project.use.baseURL!).origin;
  const res = await page.request.post('/api/identities', {
    headers: { origin },
    data: { kind: 'key', name: `e2e-fleet-key-${Date.now().toString(36)}`, privateKey: fs.readFileSync(fleetClientKeyPath(), 'utf8') },
  });
  expect(res.ok(), await res.text()).toBe(true);
  const identity = (await res.json()).identity as { id: string; name: string };

  const wanted = ['fleet37', 'fleet38', 'fleet39', 'fleet45', 'fleet49'];
  const cfg = fs
    .readFileSync(fleetPaths().sshConfig, 'utf8')
    .split(/\n(?=Host )/)
    .filter((b) => wanted.includes(b.split(/\s+/)[1]))
    .join('\n');
  const ip39 = fleetHost('fleet39').address;
  const khFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-kh-')), 'known_hosts');
  fs.writeFileSync(
    khFile,
    fs
      .readFileSync(fleetPaths().knownHosts, 'utf8')
      .split('\n')
      .filter((l) => l && l.split(' ')[0] !== ip39)
      .join('\n') + '\n',
  );
  execFileSync('ssh-keygen', ['-H', '-f', khFile], { stdio: 'ignore' });

  await page.goto('/hosts/import');
  await page.locator('textarea[name="importText"]').fill(cfg);
  await page.getByRole('button', { name: 'Preview' }).click();
  const preview = page.getByRole('table', { name: 'Import preview' });
  await expect(preview.locator('tbody tr')).toHaveCount(5);
  await expect(preview).toContainText('fleet49@10.249.7.2:22');
  await expect(preview.locator('tr', { hasText: 'fleet49' })).toContainText('fleet45');
  await page.getByLabel('default identity').selectOption(identity.id);
  await page.getByRole('button', { name: 'Create 5 hosts' }).click();
  await expect(page.getByRole('status')).toContainText('Created 5 hosts');
  await page.screenshot({ path: test.info().outputPath('import-preview.png'), fullPage: true });

  await page.locator('textarea[name="knownHosts"]').fill(fs.readFileSync(khFile, 'utf8'));
  await page.getByRole('button', { name: /Scan the new hosts/ }).click();
  const keys = page.getByRole('table', { name: 'Host keys' });
  await expect(keys.locator('tbody tr')).toHaveCount(5, { timeout: 60_000 });
  for (const n of ['fleet37', 'fleet38', 'fleet45', 'fleet49']) await expect(keys.locator('tr', { hasText: n })).toContainText('matches known hosts — pinned');
  const row39 = keys.locator('tr', { hasText: 'fleet39' });
  await expect(row39).toContainText('not in known hosts');
  const fp39 = execFileSync('ssh-keygen', ['-l', '-f', fleetHost('fleet39').hostKeyPath], { encoding: 'utf8' }).split(' ')[1];
  await expect(row39).toContainText(fp39);
  await page.screenshot({ path: test.info().outputPath('key-review.png'), fullPage: true });
  await row39.getByRole('button', { name: /Accept/ }).click();
  await expect(row39).toContainText('already pinned — pinned');

  const hosts = (await (await page.request.get('/api/hosts?selector=name=fleet*')).json()).hosts as Array<{
    name: string;
    hostKey: { fingerprint: string } | null;
  }>;
  expect(hosts.map((h) => [h.name, h.hostKey?.fingerprint]).sort()).toEqual(
    wanted.map((n) => [n, execFileSync('ssh-keygen', ['-l', '-f', fleetHost(n).hostKeyPath], { encoding: 'utf8' }).split(' ')[1]]).sort(),
  );
  await page.goto('/hosts?selector=name%3Dfleet4*');
  await expect(page.locator('tbody tr')).toHaveCount(2);
  await page.screenshot({ path: test.info().outputPath('hosts-selector.png'), fullPage: true });
});
