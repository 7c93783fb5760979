import { defineConfig } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * End-to-end tests in Debian's Chromium (Playwright cannot download its own browser here) against a
 * production build (`npm run build` first) on a private data directory, talking to the real test fleet.
 */
const port = Number(process.env.E2E_PORT ?? 3217);
const dataDir = process.env.E2E_DATA_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-e2e-'));
process.env.E2E_DATA_DIR = dataDir; // workers see the same directory

export default defineConfig({
  testDir: 'tests/e2e',
  timeout: 180_000,
  workers: 1,
  reporter: [['list']],
  outputDir: 'test-results',
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    },
  },
  webServer: {
    command: `npx next start -p ${port} -H 127.0.0.1`,
    url: `http://127.0.0.1:${port}/api/tools`,
    reuseExistingServer: false,
    timeout: 60_000,
    env: { BPFDECK_DATA_DIR: dataDir, BPFDECK_DEV_GALLERY: '1' },
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
