// The DC-09 accounts of a `dc09` source (docs/alarms.md "SIA DC-09"): set by an administrator
// (PUT: created or replaced, the key kept when not sent), listed without their key. The key is
// sealed with the secret key (secrets.ts) and never logged nor shown; each change is audited in
// the same transaction, with whether a key is set, never the key.
import { randomUUID } from 'node:crypto';
import { parisDate, type Clock } from '../../platform/clock.ts';
import { isUniqueViolation } from '../../platform/db/database.ts';
import { DomainError, notFound } from '../../platform/errors.ts';
import type { SecretBox } from '../../platform/secrets.ts';
import { assertAllowed, inScope, type Principal } from '../access/index.ts';
import type { AuditApi } from '../audit/index.ts';
import type { Dc09AccountRow, Dc09Repository } from './alarms.dc09.repository.ts';
import type { Dc09AccountPut, Dc09AccountView } from './alarms.dc09.schemas.ts';
import type { AlarmSites } from './alarms.intake.ts';
import type { AlarmsRepository, SourceRow } from './alarms.repository.ts';
import type { Acting } from './alarms.service.ts';

export const dc09AccountView = (row: Dc09AccountRow): Dc09AccountView => ({
  id: row.id,
  sourceId: row.source_id,
  line: row.line,
  account: row.account,
  siteId: row.site_id,
  encrypted: row.key_sealed !== null,
  supervisionSeconds: row.supervision_seconds,
  lastSeenAt: row.last_seen_at,
  supervisionLostAt: row.supervision_lost_at,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

export class Dc09Accounts {
  constructor(
    private readonly alarms: AlarmsRepository,
    private readonly repository: Dc09Repository,
    private readonly deps: { audit: AuditApi; clock: Clock; secrets: SecretBox; sites: AlarmSites },
  ) {}

  private async sourceFor(id: string, principal: Principal | null, action: 'alarm.source.read' | 'alarm.source.write'): Promise<SourceRow> {
    const source = await this.alarms.source(id);
    const visible = source?.commune_insee && (!principal || inScope(principal, source.commune_insee));
    if (source?.kind !== 'dc09' || !visible) throw notFound({ fr: 'Source DC-09', en: 'DC-09 source' });
    if (principal) assertAllowed(principal, action, source.commune_insee, parisDate(this.deps.clock.now()));
    return source;
  }

  async list(sourceId: string, principal: Principal | null): Promise<Dc09AccountView[]> {
    await this.sourceFor(sourceId, principal, 'alarm.source.read');
    return (await this.repository.accountsOf(sourceId)).map(dc09AccountView);
  }

  /** Creates or replaces the account `line`/`account` of the source. An account number belongs to one source. */
  async put(sourceId: string, line: string, account: string, input: Dc09AccountPut, acting: Acting): Promise<Dc09AccountView> {
    const source = await this.sourceFor(sourceId, acting.principal, 'alarm.source.write');
    const now = this.deps.clock.now().toISOString();
    try {
      return await this.alarms.transaction(async (trx) => {
        const current = await this.repository.accountByNumber(line, account, trx);
        if (current && current.source_id !== sourceId) {
          throw new DomainError('conflict', {
            fr: `Le compte L${line} #${account} appartient à la source « ${current.source_id} ».`,
            en: `Account L${line} #${account} belongs to source "${current.source_id}".`,
          });
        }
        if (input.siteId && (await this.deps.sites.communeOf(trx, input.siteId)) !== source.commune_insee) {
          throw new DomainError('validation_failed', { fr: 'Site d’une autre commune.', en: 'Site of another commune.' });
        }
        const keySealed =
          input.key === undefined ? (current?.key_sealed ?? null) : input.key === null ? null : this.deps.secrets.encrypt(input.key.toUpperCase());
        const row: Dc09AccountRow = {
          id: current?.id ?? randomUUID(),
          source_id: sourceId,
          line,
          account,
          site_id: input.siteId ?? null,
          key_sealed: keySealed,
          supervision_seconds: input.supervisionSeconds ?? null,
          last_seen_at: current?.last_seen_at ?? null,
          supervision_lost_at: current?.supervision_lost_at ?? null,
          created_at: current?.created_at ?? now,
          updated_at: now,
        };
        if (current) {
          const { id: _id, ...changes } = row;
          await this.repository.updateAccount(row.id, changes, trx);
        } else await this.repository.insertAccount(trx, row);
        const view = dc09AccountView(row);
        await this.deps.audit.record(trx, acting.actor, {
          action: current ? 'alarm.dc09_account.updated' : 'alarm.dc09_account.created',
          communeInsee: source.commune_insee,
          targetType: 'alarm_dc09_account',
          targetId: row.id,
          details: { before: current ? dc09AccountView(current) : null, after: view, keyChanged: input.key !== undefined },
        });
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error))
        throw new DomainError('conflict', { fr: `Compte L${line} #${account} déjà déclaré.`, en: `Account L${line} #${account} already declared.` });
      throw error;
    }
  }
}
