import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download its own browser here) against a
 * production build (`npm run build` first) on a private data directory, talking to the real test fleet.
 */
const port = Number(process.env.E2E_PORT ?? 3217);
// A fresh data directory for every run: the runner makes it, its workers (TEST_WORKER_INDEX set) use the
// runner's. A directory from outside is not taken: first-run setup (auth.setup.ts) must really happen.
const dataDir =
  process.env.TEST_WORKER_INDEX !== undefined && process.env.E2E_DATA_DIR ? process.env.E2E_DATA_DIR : fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-'));
process.env.E2E_DATA_DIR = dataDir; // workers see the same directory
/** the signed-in admin's cookies, written by tests/e2e/auth.setup.ts (first-run setup through /setup) */
const adminState = path.join(dataDir, 'e2e-admin-state.json');
process.env.E2E_ADMIN_STATE = adminState;
/** everything the server prints, searched for key material by tests/e2e/secrets.teardown.ts */
const serverLog = path.join(dataDir, 'server.log');
process.env.E2E_SERVER_LOG = serverLog;

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 180_000,
  workers: 1,
  // A test.only left in a spec would quietly run that test alone: refuse it (scripts/test-summary-selftest.sh checks).
  forbidOnly: true,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    },
  },
  // Sign-in: the "setup" project creates the first admin through /setup and saves its session; the
  // specs run signed in as that admin (auth.spec.ts signs in itself); "secrets" runs last and searches
  // bundles, the server log and API responses for private-key material.
  projects: [
    { name: 'setup', testMatch: /auth\.setup\.ts$/, teardown: 'secrets' },
    { name: 'e2e', testIgnore: /auth\.(setup|spec)\.ts$|\.teardown\.ts$/, dependencies: ['setup'], use: { storageState: adminState } },
    { name: 'auth', testMatch: /auth\.spec\.ts$/, dependencies: ['setup'] },
    { name: 'secrets', testMatch: /secrets\.teardown\.ts$/, use: { storageState: adminState } },
  ],
  webServer: {
    command: `npx next start -p ${port} -H 127.0.0.1 2>&1 | tee -a '${serverLog}'`,
    url: `http://127.0.0.1:${port}/api/auth/session`,
    reuseExistingServer: false,
    timeout: 60_000,
    // Generous run limits: the specs start many runs as one admin (the limits have their own tests).
    env: { BPFDECK_DATA_DIR: dataDir, BPFDECK_DEV_GALLERY: '1', BPFDECK_MAX_RUN_STARTS_PER_10MIN: '1000', BPFDECK_MAX_ACTIVE_RUNS_PER_USER: '100' },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
