import { parseJson, route } from '@/lib/http';
import { createScriptSchema } from '@/lib/scripts/schemas';
import { createScript, listScripts } from '@/lib/scripts/service';

export const GET = route({ role: 'viewer' }, async () => ({ scripts: await listScripts() }));

export const POST = route({ role: 'admin', audit: { action: 'script.create' } }, async (req, { user, audit }) => {
  const input = await parseJson(req, createScriptSchema);
  const script = await createScript(input, user);
  const v = script.versions[0];
  audit({ target: `script:${script.id}`, details: { name: script.name, versionId: v.id, version: v.number, sha256: v.sha256 } });
  return Response.json({ script }, { status: 201 });
});
