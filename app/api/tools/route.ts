import { route } from '@/lib/http';
import { listTools } from '@/lib/tools/catalog';

export const GET = route({ role: 'viewer' }, async () => ({
  tools: listTools().map(({ createParser: _p, ...t }) => t),
}));
