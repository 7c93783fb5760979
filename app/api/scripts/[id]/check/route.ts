import { idParam, parseJson, route } from '@/lib/http';
import { checkScriptSchema } from '@/lib/scripts/schemas';
import { checkScriptOnHost } from '@/lib/scripts/check';

/** Compile the editor's text on a host (never loaded, nothing attaches) and say what bpftrace said, line by line. */
export const POST = route<{ id: string }>(
  { role: 'admin', audit: { action: 'script.check', target: (p) => `script:${p.id}` } },
  async (req, { params, user, audit }) => {
    const { id } = idParam.parse(params);
    const input = await parseJson(req, checkScriptSchema);
    audit({ details: { hostId: input.hostId } });
    const check = await checkScriptOnHost(id, input.hostId, input.text, user);
    audit({
      details: { sha256: check.sha256, ok: check.ok, exitCode: check.exitCode, errors: check.diagnostics.filter((d) => d.severity === 'error').length },
    });
    return { check };
  },
);
