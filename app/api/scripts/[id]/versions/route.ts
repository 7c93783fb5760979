import { idParam, parseJson, route } from '@/lib/http';
import { saveVersionSchema } from '@/lib/scripts/schemas';
import { saveVersion } from '@/lib/scripts/service';

/** Save the editor's text as the script's next version. */
export const POST = route<{ id: string }>(
  { role: 'admin', audit: { action: 'script.version', target: (p) => `script:${p.id}` } },
  async (req, { params, user, audit }) => {
    const { id } = idParam.parse(params);
    const { text } = await parseJson(req, saveVersionSchema);
    const version = await saveVersion(id, text, user);
    audit({ details: { versionId: version.id, version: version.number, sha256: version.sha256 } });
    return Response.json({ version }, { status: 201 });
  },
);
