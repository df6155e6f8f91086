// Runtime settings of the centre, stored in the settings table, each validated by its schema
// on save; every change is audited with its before/after value.
import { z } from 'zod';
import type { Clock } from '../../platform/clock.ts';
import type { AnyHandle } from '../../platform/db/tables.ts';
import { DomainError } from '../../platform/errors.ts';
import type { Principal } from '../access/index.ts';
import type { Actor, AuditApi } from '../audit/index.ts';
import type { SettingsRepository } from './settings.repository.ts';

export const settingDefinitions = {
  /** Roles that see images must use a second factor; an administrator may turn it off for a demo. */
  totp_required_for_image_roles: { schema: z.boolean(), defaultValue: true },
} as const;

export type SettingKey = keyof typeof settingDefinitions;
export type SettingValue<K extends SettingKey> = z.infer<(typeof settingDefinitions)[K]['schema']>;

export function isSettingKey(key: string): key is SettingKey {
  return Object.hasOwn(settingDefinitions, key);
}

export class SettingsService {
  constructor(
    private readonly repository: SettingsRepository,
    private readonly audit: AuditApi,
    private readonly clock: Clock,
  ) {}

  async get<K extends SettingKey>(key: K, handle?: AnyHandle): Promise<SettingValue<K>> {
    const value = await this.repository.value(key, handle);
    if (value === undefined) return settingDefinitions[key].defaultValue as SettingValue<K>;
    return settingDefinitions[key].schema.parse(JSON.parse(value)) as SettingValue<K>;
  }

  async all(): Promise<Record<SettingKey, unknown>> {
    const entries = await Promise.all((Object.keys(settingDefinitions) as SettingKey[]).map(async (key) => [key, await this.get(key)] as const));
    return Object.fromEntries(entries) as Record<SettingKey, unknown>;
  }

  /** `principal`: who asks through the API (null: the command line); settings are the whole centre's. */
  async set(key: string, value: unknown, actor: Actor, principal: Principal | null = null): Promise<void> {
    if (principal && !principal.allCommunes) {
      throw new DomainError('commune_out_of_scope', {
        fr: 'Les paramètres du centre sont réservés à un administrateur de tout le centre.',
        en: 'Centre settings are for a centre-wide administrator only.',
      });
    }
    if (!isSettingKey(key)) throw new DomainError('not_found', { fr: `Paramètre inconnu : ${key}.`, en: `Unknown setting: ${key}.` });
    const parsed = settingDefinitions[key].schema.safeParse(value);
    if (!parsed.success) {
      throw new DomainError('validation_failed', { fr: `Valeur invalide pour ${key}.`, en: `Invalid value for ${key}.`, details: parsed.error.issues });
    }
    await this.repository.transaction(async (trx) => {
      const before = await this.get(key, trx);
      await this.repository.write(trx, key, JSON.stringify(parsed.data), this.clock.now().toISOString());
      await this.audit.record(trx, actor, { action: 'settings.changed', targetType: 'setting', targetId: key, details: { before, after: parsed.data } });
    });
  }
}
