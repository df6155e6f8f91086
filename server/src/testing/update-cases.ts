// The cases of the update-semantics test (server/src/update-routes.itest.ts), as data: for each
// PATCH route the fields sent one at a time, for each PUT route its whole body and one change.
import { communeA } from './inventory.fixtures.ts';
import { find, get, type Json, type PatchCase, type PutCase } from './update-checks.ts';
import type { UpdateEnv } from './update-fixtures.ts';

/** A procedure step as the API reads it back (PATCH steps must come back as sent). */
const procedureStep = {
  id: 's1',
  kind: 'check',
  labelFr: 'Vérifier',
  labelEn: null,
  mandatory: true,
  number: null,
  service: null,
  cameraIds: [],
  deadlineSeconds: null,
};

export function updateCases({ ids, admin, operator, supervisor }: UpdateEnv): { patchCases: () => PatchCase[]; putCases: () => PutCase[] } {
  const patchCases = (): PatchCase[] => [
    {
      label: 'authorisation',
      url: () => `/api/authorisations/${ids.authorisation}`,
      read: () => get(admin, `/api/authorisations/${ids.authorisation}`),
      fields: {
        reference: { value: 'AP-38-2026-017-bis' },
        startOn: { value: '2026-02-01' },
        endOn: { value: '2031-01-31', moves: ['renewalDueOn', 'daysToExpiry'] },
        perimeter: { value: 'Centre-ville et gare' },
        purposes: { value: ['people_property_safety'] },
        minRetentionDays: { value: 5 },
        maxRetentionDays: { value: 25 },
        recipients: { value: ['national_police'] },
        cameraIds: { value: [ids.camera] },
      },
    },
    {
      label: 'camera',
      url: () => `/api/cameras/${ids.camera}`,
      read: () => get(admin, `/api/cameras/${ids.camera}`),
      fields: {
        siteId: { value: ids.site },
        name: { value: 'CAM-PATCH-2' },
        kind: { value: 'fixed' },
        fieldClass: { value: 'wide' },
        latitude: { value: 45.19 },
        longitude: { value: 5.73 },
        headingDeg: { value: 180 },
        model: { value: 'Bosch Autodome' },
        ipAddress: { value: '10.1.0.20' },
        macAddress: { value: 'AC:CC:8E:00:00:20' },
        mainStreamUrl: { value: 'rtsp://10.1.0.20:554/main' },
        subStreamUrl: { value: null },
        onvifUrl: { value: null },
        credentials: { value: null, moves: ['hasCredentials'] },
        purposes: { value: ['public_buildings'] },
        commissioningDate: { value: '2025-01-02' },
        enabled: { value: false, moves: ['state', 'vmsStatus'] },
        retentionDays: { value: 12 },
        recordingEngine: { value: 'ffmpeg' },
        rtspTransport: { value: 'auto' },
      },
    },
    {
      label: 'user',
      url: () => `/api/users/${ids.user}`,
      read: () => get(admin, `/api/users/${ids.user}`),
      fields: {
        displayName: { value: 'Agent Patché' },
        role: { value: 'supervisor' },
        allCommunes: { value: true },
        communes: { value: ['38421'] },
        approvalReference: { value: 'AGR-2026-099' },
        approvalExpiresOn: { value: '2031-01-01' },
        trainingDate: { value: '2026-06-01' },
        disabled: { value: true },
      },
    },
    {
      label: 'commune',
      url: () => `/api/communes/${communeA}`,
      read: () => get(admin, `/api/communes/${communeA}`),
      fields: { name: { value: 'Grenoble-Centre' }, retentionDays: { value: 15 }, timeZone: { value: 'Europe/Brussels' } },
    },
    {
      label: 'site',
      url: () => `/api/sites/${ids.site}`,
      read: () => get(admin, `/api/sites/${ids.site}`),
      fields: { name: { value: 'Gare SNCF' }, kind: { value: 'street' }, address: { value: null }, latitude: { value: 45.2 }, longitude: { value: 5.72 } },
    },
    {
      label: 'storage volume',
      url: () => '/api/storage/volumes/second',
      read: () => find(admin, '/api/storage/volumes', 'second', 'name'),
      fields: { capacityBytes: { value: 2 * 1024 * 1024 * 1024 }, lowSpacePercent: { value: 20 }, enabled: { value: false } },
      volatile: ['usage'],
    },
    {
      label: 'camera recording settings',
      url: () => `/api/cameras/${ids.camera}/recording/settings`,
      read: () => get(admin, `/api/cameras/${ids.camera}/recording/settings`),
      fields: { volumeName: { value: null }, busyPedestrianPlace: { value: false } },
    },
    {
      label: 'camera picture check thresholds',
      url: () => `/api/cameras/${ids.camera}/health/thresholds`,
      // The thresholds in force and which are overridden (each field sent moves that list).
      read: () => get(admin, `/api/cameras/${ids.camera}/health/thresholds`),
      fields: {
        raiseAfter: { value: 5, moves: ['overridden'] },
        clearAfter: { value: 4, moves: ['overridden'] },
        coveredMaxMean: { value: 20, moves: ['overridden'] },
        blurMaxSharpnessRatio: { value: 0.2, moves: ['overridden'] },
        movedMinCorrelation: { value: 0.4, moves: ['overridden'] },
        obstructedMaxLostFraction: { value: 0.5, moves: ['overridden'] },
        frozenChecks: { value: 6, moves: ['overridden'] },
      },
    },
    {
      label: 'mask',
      url: () => `/api/masks/${ids.mask}`,
      read: () => find(admin, `/api/cameras/${ids.camera}/masks`, ids.mask),
      fields: {
        name: { value: 'Balcons' },
        presetToken: { value: null },
        polygons: {
          value: [
            [
              [0.5, 0.5],
              [0.7, 0.5],
              [0.7, 0.7],
            ],
          ],
        },
      },
    },
    {
      label: 'requisition',
      url: () => `/api/requisitions/${ids.requisition}`,
      read: () => get(supervisor, `/api/requisitions/${ids.requisition}`),
      as: () => supervisor,
      fields: {
        officerName: { value: 'Karima Benali' },
        officerRank: { value: 'OPJ, capitaine' },
        officerUnit: { value: 'Sûreté départementale' },
        officerContact: { value: 'karima.benali@interieur.gouv.fr' },
        procedureNumber: { value: 'PV 2026/2' },
        legalFramework: { value: 'investigation' },
        requisitionDate: { value: '2026-11-23T07:00:00.000Z' },
        channel: { value: 'email' },
        freeText: { value: 'Rixe devant la gare.' },
      },
    },
    {
      label: 'alarm procedure',
      url: () => `/api/alarm-procedures/${ids.procedure}`,
      read: () => get(supervisor, `/api/alarm-procedures/${ids.procedure}`),
      as: () => supervisor,
      fields: {
        name: { value: 'Confinement (école)', moves: ['version'] },
        escalationService: { value: 'elus', moves: ['version'] },
        steps: { value: [{ ...procedureStep, kind: 'call', labelFr: 'Appeler le 17', number: '17', deadlineSeconds: 60 }], moves: ['version'] },
      },
    },
    {
      label: 'on-call service',
      url: () => `/api/oncall/services/${ids.oncallService}`,
      read: () => find(supervisor, '/api/oncall/services', ids.oncallService),
      as: () => supervisor,
      fields: {
        name: { value: 'Élu de permanence' },
        kind: { value: 'management' },
        communeInsee: { value: communeA },
        escalationMinutes: { value: 10 },
        webhookUrl: { value: 'https://sms.example.test/hook' },
      },
    },
    {
      label: 'on-call person',
      url: () => `/api/oncall/people/${ids.oncallPerson}`,
      read: () => find(supervisor, '/api/oncall/people', ids.oncallPerson),
      as: () => supervisor,
      fields: { name: { value: 'Alice Martin' }, role: { value: 'Maire adjointe' }, email: { value: null }, phone: { value: '+33611111111' } },
    },
    {
      label: 'on-call rota',
      url: () => `/api/oncall/rotas/${ids.oncallRota}`,
      read: () => find(supervisor, '/api/oncall/rotas', ids.oncallRota),
      as: () => supervisor,
      fields: {
        personId: { value: ids.oncallOtherPerson },
        level: { value: 2 },
        startsAt: { value: '2026-11-24T08:00' },
        rrule: { value: 'FREQ=WEEKLY;BYDAY=TU' },
        durationMinutes: { value: 720 },
      },
    },
    {
      label: 'on-call override',
      url: () => `/api/oncall/overrides/${ids.oncallOverride}`,
      read: () => find(supervisor, '/api/oncall/overrides', ids.oncallOverride),
      as: () => supervisor,
      fields: {
        replacedPersonId: { value: ids.oncallThirdPerson },
        replacementPersonId: { value: ids.oncallPerson },
        from: { value: '2026-11-24T09:00:00.000Z' },
        to: { value: '2026-11-25T09:00:00.000Z' },
        reason: { value: 'Formation' },
      },
    },
  ];

  const putCases = (): PutCase[] => [
    {
      label: 'patrol tour',
      url: () => `/api/ptz/tours/${ids.tour}`,
      code: 'ptz_tour_invalid',
      read: async () => ((await get(operator, `/api/cameras/${ids.camera}/ptz/tours`)) as unknown as Json[]).find((tour) => tour.id === ids.tour)!,
      body: (tour) => ({ name: tour.name, steps: tour.steps, activeFrom: tour.activeFrom, activeTo: tour.activeTo, enabled: tour.enabled }),
      change: { field: 'name', value: 'Ronde de nuit' },
    },
    {
      label: 'layout',
      url: () => `/api/layouts/${ids.layout}`,
      code: 'layout_invalid',
      read: () => find(operator, '/api/layouts', ids.layout),
      body: (layout) => ({ name: layout.name, grid: layout.grid, tiles: layout.tiles, shared: layout.shared }),
      change: { field: 'name', value: 'Gare et parvis' },
    },
    {
      label: 'wall push',
      url: () => `/api/walls/${ids.wall}/layout`,
      code: 'wall_invalid',
      read: () => find(operator, '/api/walls', ids.wall),
      body: (wall) => ({ grid: wall.grid, tiles: wall.tiles, tour: wall.tour }),
      change: { field: 'tiles', value: [null, ids.otherCamera, null, null] },
    },
    {
      label: 'CAP feed',
      url: () => `/api/alarm-sources/${ids.capSource}/cap-feed`,
      code: 'validation_failed',
      as: () => admin,
      read: () => get(admin, `/api/alarm-sources/${ids.capSource}/cap-feed`),
      body: (feed) => ({ url: feed.url }),
      change: { field: 'url', value: 'http://127.0.0.1:9/cap/other-feed.xml' },
    },
    {
      label: 'DC-09 account',
      url: () => `/api/alarm-sources/${ids.dc09Source}/dc09-accounts/0/1234`,
      code: 'validation_failed',
      as: () => admin,
      read: async () =>
        ((await get(admin, `/api/alarm-sources/${ids.dc09Source}/dc09-accounts`)) as unknown as Json[]).find((entry) => entry.account === '1234')!,
      // The key is never shown, so it is not part of the state a PUT repeats (left out, it is kept).
      body: (entry) => ({ siteId: entry.siteId, supervisionSeconds: entry.supervisionSeconds }),
      change: { field: 'supervisionSeconds', value: 900 },
    },
  ];

  return { patchCases, putCases };
}
