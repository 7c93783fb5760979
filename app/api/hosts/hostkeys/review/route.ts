import { parseJson, route } from '@/lib/http';
import { keyReviewSchema } from '@/lib/hosts/schemas';
import { reviewHostKeys } from '@/lib/hosts/key-review';

/**
 * Bulk host-key review: scan (default: every unpinned host), compare with an uploaded known_hosts, and
 * with pinMatching pin only the keys it vouches for. The rest are accepted one by one
 * (/api/hosts/<id>/hostkey/accept) or left unpinned (refused).
 */
export const POST = route({ role: 'admin', audit: { action: 'hostkey.review' } }, async (req, { audit }) => {
  const input = await parseJson(req, keyReviewSchema);
  const rows = await reviewHostKeys(input);
  audit({ details: { scanned: rows.length, pinned: rows.filter((r) => r.pinned).map((r) => `${r.name} ${r.fingerprint}`) } });
  return { rows };
});
