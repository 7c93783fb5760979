import { parseJson, route } from '@/lib/http';
import { getSetting, rawAccessSchema, setSetting } from '@/lib/settings';

const current = async () => ({ downloadRole: await getSetting('raw.downloadRole'), redactPatterns: await getSetting('redaction.argvPatterns') });

/** Who may download raw captures (lib/reports/raw-access), and the argv redaction patterns (lib/runs/redact). */
export const GET = route({ role: 'viewer' }, current);

/** Change either (admin); redaction applies to runs started from now on. */
export const PUT = route({ role: 'admin', audit: { action: 'settings.update', target: () => 'setting:raw-output' } }, async (req, { user, audit }) => {
  const { downloadRole, redactPatterns } = await parseJson(req, rawAccessSchema);
  if (downloadRole !== undefined) await setSetting('raw.downloadRole', downloadRole, user);
  if (redactPatterns !== undefined) await setSetting('redaction.argvPatterns', redactPatterns, user);
  audit({ details: { downloadRole, redactPatterns: redactPatterns?.length } });
  return current();
});
