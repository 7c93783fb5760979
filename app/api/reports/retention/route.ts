import { parseJson, route } from '@/lib/http';
import { getSetting, retentionSchema, setSetting } from '@/lib/settings';
import { expireRawOutputs } from '@/lib/reports/retention';

/** How many days raw output is kept (0 = forever). */
export const GET = route({ role: 'viewer' }, async () => ({ rawOutputDays: await getSetting('retention.rawOutputDays') }));

/** Change it (admin); expired raw output is deleted at once. */
export const PUT = route(
  { role: 'admin', audit: { action: 'settings.update', target: () => 'setting:retention.rawOutputDays' } },
  async (req, { user, audit }) => {
    const { rawOutputDays } = await parseJson(req, retentionSchema);
    await setSetting('retention.rawOutputDays', rawOutputDays, user);
    const expired = await expireRawOutputs();
    audit({ details: { rawOutputDays, expiredRawOutputs: expired.rawOutputs, expiredRuns: expired.runs } });
    return { rawOutputDays, expired };
  },
);
