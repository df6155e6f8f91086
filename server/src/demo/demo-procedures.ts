// The demo's procedures (fiches réflexes, docs/alarms.md "Procedures"): `./vigie demo` declares a
// PTI SOS procedure (acknowledge within 30 s) and a PPMS intrusion one, once, so that simulated
// alarms come with their checklist.
import { cliActor } from '../modules/audit/index.ts';
import type { Services } from '../services.ts';

/** The demo's procedures; types that already have a centre-wide one are left as they are. */
export async function ensureDemoProcedures(services: Pick<Services, 'alarms'>): Promise<void> {
  const procedures = services.alarms.procedures.service;
  const existing = new Set((await procedures.list(null)).filter((procedure) => procedure.siteId === null).map((procedure) => procedure.alarmType));
  const acting = { actor: cliActor(), principal: null };
  if (!existing.has('pti_sos'))
    await procedures.create(
      {
        alarmType: 'pti_sos',
        name: 'PTI : alerte SOS',
        escalationService: 'management',
        steps: [
          { kind: 'check', labelFr: 'Acquitter l’alerte', labelEn: 'Acknowledge the alert', mandatory: true, deadlineSeconds: 30 },
          { kind: 'call', labelFr: 'Rappeler l’agent', labelEn: 'Call the agent back', mandatory: true, number: '04 76 00 00 01', deadlineSeconds: 120 },
          { kind: 'open_cameras', labelFr: 'Ouvrir les caméras proches', labelEn: 'Open the nearby cameras', mandatory: false },
          { kind: 'comment', labelFr: 'Noter la situation', labelEn: 'Write down the situation', mandatory: true },
        ],
      },
      acting,
    );
  if (!existing.has('ppms_intrusion_attack'))
    await procedures.create(
      {
        alarmType: 'ppms_intrusion_attack',
        name: 'PPMS : intrusion / attentat',
        escalationService: 'elected',
        steps: [
          { kind: 'call', labelFr: 'Appeler la police nationale', labelEn: 'Call the national police', mandatory: true, number: '17', deadlineSeconds: 60 },
          { kind: 'open_cameras', labelFr: 'Ouvrir les caméras de l’école', labelEn: 'Open the school’s cameras', mandatory: true },
          { kind: 'notify_oncall', labelFr: 'Prévenir l’élu d’astreinte', labelEn: 'Notify the elected official on call', mandatory: true, service: 'elected' },
          { kind: 'comment', labelFr: 'Noter ce qui est vu', labelEn: 'Write down what is seen', mandatory: true },
        ],
      },
      acting,
    );
}
