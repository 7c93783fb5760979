import { parseJson, route } from '@/lib/http';
import { fleetFanout, fleetSettingsSchema, setSetting } from '@/lib/settings';
import type { FleetSettings } from '@/lib/fleet/types';

const current = async (): Promise<FleetSettings> => ({ fanout: await fleetFanout() });

/** Hosts of one fleet run executing at once (default BPFDECK_FLEET_FANOUT). */
export const GET = route({ role: 'viewer' }, current);

/** Change it (admin): fleet runs started from now on. */
export const PUT = route({ role: 'admin', audit: { action: 'settings.update', target: () => 'setting:fleet' } }, async (req, { user, audit }) => {
  const { fanout } = await parseJson(req, fleetSettingsSchema);
  await setSetting('fleet.fanout', fanout, user);
  audit({ details: { fanout } });
  return current();
});
