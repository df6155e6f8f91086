// The French text of the automatic logbook entries, and who may read an entry of a commune.
// Pure: no IO.
import { inScope, type Principal } from '../access/index.ts';
import type { AlarmChanged, AlarmRow } from '../alarms/index.ts';

/** Whether a reader sees data of this commune (null: centre-wide, users with every commune only). */
export function visibleTo(principal: Principal | null, communeInsee: string | null): boolean {
  if (!principal) return true;
  return communeInsee === null ? principal.allCommunes : inScope(principal, communeInsee);
}

export function alarmEntryText(
  change: AlarmChanged['change'],
  alarm: Pick<AlarmRow, 'title' | 'source_id' | 'comment' | 'taken_by' | 'acknowledged_by' | 'closed_by' | 'escalation_level'>,
  labels: { type: string; outcome: string | null },
): string {
  const what = `${labels.type} — ${alarm.title}`;
  switch (change) {
    case 'created':
      return `Alarme reçue (source ${alarm.source_id}) : ${what}`;
    case 'take':
      return `Alarme prise en charge par ${alarm.taken_by ?? '?'} : ${what}`;
    case 'acknowledge':
      return `Alarme acquittée par ${alarm.acknowledged_by ?? '?'} : ${what}`;
    case 'restored':
      return `Retour à la normale signalé par la source ${alarm.source_id} : ${what}`;
    case 'escalated':
      return `Alarme non prise en charge dans le délai : escalade au niveau ${alarm.escalation_level} : ${what}`;
    default:
      return `Alarme clôturée par ${alarm.closed_by ?? '?'}, issue : ${labels.outcome ?? '?'}${alarm.comment ? ` (${alarm.comment})` : ''} : ${what}`.slice(
        0,
        2000,
      );
  }
}
