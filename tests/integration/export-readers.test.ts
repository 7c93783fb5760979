/**
 * A real reader loads the folded export: speedscope (npm `speedscope`, its release build, in Debian's
 * Chromium through Playwright: the npm package ships only the web app, no Node API). The file goes in
 * through speedscope's own "Browse" file input ("Importing as collapsed stack format"), and speedscope's
 * own Export button writes what it read as a speedscope JSON file, whose weights must add up to the
 * folded file's total, with the busy function among its frames. No fleet: uses the 0.23.2-30s capture
 * (pruned for display) from tests/fixtures/profile. The pprof export's reader (pprof-format's decoder)
 * is in tests/unit/profile-export.test.ts and tests/integration/reports.test.ts.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { describe, expect, it } from 'vitest';
import { decodeAll } from '@/lib/bpftrace/decoder';
import { foldedText } from '@/lib/export/folded';
import { createProfileParser } from '@/lib/tools/profile/parse';

const SPEEDSCOPE = path.resolve(__dirname, '../../node_modules/speedscope/dist/release/index.html');

describe('speedscope reads the folded export', () => {
  it('with the same total and the busy function', async () => {
    const raw = gunzipSync(fs.readFileSync(path.resolve(__dirname, '../fixtures/profile/0.23.2-30s/profile.jsonl.gz')));
    const p = createProfileParser({ sampleHz: 99 });
    for (const r of decodeAll(raw, { version: '0.23.2' })) p.push(r);
    const result = p.finish();
    expect(result.pruned).not.toBeNull();
    const folded = foldedText(result);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bpfdeck-speedscope-'));
    const file = path.join(dir, 'profile.folded.txt');
    fs.writeFileSync(file, folded);

    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium' });
    try {
      const page = await browser.newPage({ acceptDownloads: true });
      const logs: string[] = [];
      page.on('console', (m) => logs.push(m.text()));
      await page.goto(`file://${SPEEDSCOPE}`);
      await page.setInputFiles('input[type=file]', file);
      await page.getByText('profile.folded.txt').first().waitFor({ timeout: 30_000 });
      expect(logs).toContain('Importing as collapsed stack format');
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Export').first().click()]);
      const out = JSON.parse(fs.readFileSync((await download.path())!, 'utf8')) as {
        shared: { frames: Array<{ name: string }> };
        profiles: Array<{ type: string; weights?: number[]; startValue: number; endValue: number }>;
      };
      // a "sampled" profile has weights; an "evented" one spans startValue..endValue
      const total = out.profiles.reduce((n, pr) => n + (pr.weights ? pr.weights.reduce((a, b) => a + b, 0) : pr.endValue - pr.startValue), 0);
      console.log(
        `speedscope: ${out.profiles.length} profile(s) of type ${out.profiles.map((pr) => pr.type).join(',')}, total ${total}, ${out.shared.frames.length} frames`,
      );
      expect(total).toBe(result.samplesInTree);
      expect(total).toBe(result.samplesCounted);
      const names = new Set(out.shared.frames.map((f) => f.name));
      expect(names.has('bpfdeck_busy_loop')).toBe(true);
      expect(names.has('bpfdeck_spin_step')).toBe(true);
      expect([...names].some((n) => n.endsWith('_[k]'))).toBe(true);
    } finally {
      await browser.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
