import { parseJson, route } from '@/lib/http';
import { getSetting, rawAccessSchema, setSetting } from '@/lib/settings';

/** The least role that may download raw captures (lib/reports/raw-access). */
export const GET = route({ role: 'viewer' }, async () => ({ downloadRole: await getSetting('raw.downloadRole') }));

/** Change it (admin). */
export const PUT = route({ role: 'admin', audit: { action: 'settings.update', target: () => 'setting:raw.downloadRole' } }, async (req, { user, audit }) => {
  const { downloadRole } = await parseJson(req, rawAccessSchema);
  await setSetting('raw.downloadRole', downloadRole, user);
  audit({ details: { downloadRole } });
  return { downloadRole };
});
