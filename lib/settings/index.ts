/**
 * Server settings an admin changes at run time, stored in the Setting table (one JSON value per key),
 * each with a schema and a default. Read through here only.
 */
import 'server-only';
import { z } from 'zod';
import { db } from '@/lib/db/client';
import { config } from '@/lib/env';
import { MAX_REDACTION_PATTERNS, redactionPatternSchema } from '@/lib/runs/redact';

const SETTINGS = {
  /** days raw output is kept after it was captured; 0 = forever */
  'retention.rawOutputDays': { schema: z.number().int().min(0).max(36_500), default: 30 },
  /** the least role that may download raw captures: they hold every traced process's full argv,
   *  passwords typed on command lines included; results shown in the UI are not affected */
  'raw.downloadRole': { schema: z.enum(['viewer', 'operator', 'admin']), default: 'operator' },
  /** regexes for what precedes a secret on a command line (lib/runs/redact); none = no redaction */
  'redaction.argvPatterns': { schema: z.array(redactionPatternSchema).max(MAX_REDACTION_PATTERNS), default: [] as string[] },
  /** hosts of one fleet run executing at once; null = BPFDECK_FLEET_FANOUT (the default comes from the environment) */
  'fleet.fanout': { schema: z.number().int().min(1).max(1024).nullable(), default: null as number | null },
} as const;

export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.infer<(typeof SETTINGS)[K]['schema']>;

export async function getSetting<K extends SettingKey>(key: K): Promise<SettingValue<K>> {
  const def = SETTINGS[key];
  const row = await db().setting.findUnique({ where: { key } });
  if (!row) return def.default as SettingValue<K>;
  const parsed = def.schema.safeParse(JSON.parse(row.value));
  // A value written by an older version that no longer validates falls back to the default.
  return (parsed.success ? parsed.data : def.default) as SettingValue<K>;
}

export async function setSetting<K extends SettingKey>(key: K, value: SettingValue<K>, updatedBy: string): Promise<SettingValue<K>> {
  const v = SETTINGS[key].schema.parse(value) as SettingValue<K>;
  const json = JSON.stringify(v);
  await db().setting.upsert({ where: { key }, create: { key, value: json, updatedBy }, update: { value: json, updatedBy } });
  return v;
}

export const retentionSchema = z.object({
  rawOutputDays: SETTINGS['retention.rawOutputDays'].schema,
});

export const rawAccessSchema = z
  .object({
    downloadRole: SETTINGS['raw.downloadRole'].schema.optional(),
    redactPatterns: SETTINGS['redaction.argvPatterns'].schema.optional(),
  })
  .refine((v) => v.downloadRole !== undefined || v.redactPatterns !== undefined, 'nothing to change: give downloadRole, redactPatterns or both');

export const fleetSettingsSchema = z.object({ fanout: z.number().int().min(1).max(1024) });

/** The fan-out a new fleet run gets: the admin's setting, else the environment's default. */
export async function fleetFanout(): Promise<number> {
  return (await getSetting('fleet.fanout')) ?? config().fleetFanout;
}
