import { parseJson, route } from '@/lib/http';
import { importPreviewSchema } from '@/lib/hosts/schemas';
import { previewImport } from '@/lib/hosts/import';

/** Parse and check an ssh_config or host list; creates nothing (lib/hosts/import.ts). */
export const POST = route({ role: 'admin' }, async (req) => ({ preview: await previewImport(await parseJson(req, importPreviewSchema)) }));
