// Yearly statistics on both databases: a seeded year (requisitions in every result and several
// services, offences from the short form, review seconds through a fake port, an export) gives
// the hand-computed figures; the CSV import of past years stores its figures apart ("imported")
// or, on one bad line, names it and stores nothing; the CSV and PDF outputs; scope and access.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { cameraInput, communeA, communeB, createCommunesAndSites } from '../../testing/inventory.fixtures.ts';
import { createTestContext, testCli, type TestContext } from '../../testing/context.ts';
import { dialectsUnderTest } from '../../testing/databases.ts';
import { signIn, type SignedIn } from '../../testing/http.ts';
import { createStatisticsModule } from './index.ts';
import type { StatisticsService } from './statistics.service.ts';

const NOW = '2026-11-23T10:00:00.000Z';
const grenoble = 'Commissariat de Grenoble';
const meylan = 'Brigade de gendarmerie de Meylan';
const csvHeaders = { 'content-type': 'text/csv; charset=utf-8' };

for (const { dialect, skip } of await dialectsUnderTest()) {
  describe(`yearly statistics [${dialect}]`, { skip }, () => {
    let context: TestContext;
    let statistics: StatisticsService;
    let supervisor: SignedIn;
    let auditor: SignedIn;
    let operator: SignedIn;
    let police: SignedIn;
    let cameraA: string;
    let cameraB: string;
    let siteA: string;

    const file = async (commune: string, camera: string, unit: string, legalFramework: string, states: string[]) => {
      const at = context.clock.now().getTime();
      const created = await context.services.requisitions.create(
        {
          communeInsee: commune,
          officerName: 'Karim Benali',
          officerRank: 'OPJ',
          officerUnit: unit,
          officerContact: 'opj@interieur.gouv.fr',
          procedureNumber: `PV ${states.join('-')}`,
          legalFramework,
          requisitionDate: new Date(at - 3_600_000).toISOString(),
          channel: 'email',
          ranges: [{ cameraId: camera, from: new Date(at - 7_200_000).toISOString(), to: new Date(at - 3_600_000).toISOString() }],
        },
        testCli,
      );
      for (const to of states) await context.services.requisitions.transition(created.id, { to, reason: `passage à ${to}` }, testCli);
      return created.id;
    };
    const offence = (as: SignedIn, overrides: Record<string, unknown> = {}) =>
      as.request({
        method: 'POST',
        url: '/api/offences',
        payload: {
          communeInsee: communeA,
          occurredAt: '2026-06-14T21:30:00.000Z',
          category: 'property',
          spottedByOperator: true,
          cameraIds: [cameraA],
          comment: 'Dégradation d’un abribus.',
          ...overrides,
        },
      });
    const importedCount = async () => (await context.database.handle.db.selectFrom('statistics_imported').select('year').execute()).length;
    const auditActions = async (action: string) =>
      (await context.database.handle.db.selectFrom('audit_log').select(['action', 'details']).where('action', '=', action).orderBy('seq').execute()).map(
        (row) => JSON.parse(row.details) as Record<string, unknown>,
      );
    /** "year|commune|service|indicator|origin" -> value. */
    const figuresOf = (rows: { year: number; communeInsee: string; service: string; indicator: string; origin: string; value: number }[]) =>
      Object.fromEntries(rows.map((row) => [`${row.year}|${row.communeInsee}|${row.service}|${row.indicator}|${row.origin}`, row.value]));

    before(async () => {
      // Paris 23:30 on 31 December 2025: a requisition received then counts in 2025.
      context = await createTestContext(dialect, { clockStart: '2025-12-31T22:30:00.000Z' });
      const sites = await createCommunesAndSites(context);
      siteA = sites.siteA;
      cameraA = (await context.services.cameras.create(cameraInput(sites.siteA, 'CAM-GARE'), testCli)).id;
      cameraB = (
        await context.services.cameras.create(cameraInput(sites.siteB, 'CAM-MAIRIE', { ipAddress: '10.1.0.12', macAddress: 'ac:cc:8e:00:00:12' }), testCli)
      ).id;
      const late2025 = await file(communeA, cameraA, grenoble, 'flagrance', []);
      context.clock.set(NOW);
      await context.services.requisitions.transition(late2025, { to: 'in_review', reason: 'relecture' }, testCli);
      await context.services.requisitions.transition(late2025, { to: 'negative', reason: 'rien vu' }, testCli);
      await file(communeA, cameraA, grenoble, 'flagrance', ['in_review', 'positive', 'exported', 'delivered']);
      await file(communeA, cameraA, grenoble, 'preliminary', ['in_review', 'negative', 'closed']);
      await file(communeA, cameraA, ` ${grenoble}  `, 'flagrance', []);
      await file(communeA, cameraA, meylan, 'investigation', ['in_review', 'live_viewing_only']);
      await file(communeA, cameraA, meylan, 'direct_collection', ['cancelled']);
      await file(communeB, cameraB, 'Commissariat de Saint-Martin', 'flagrance', ['in_review', 'positive']);
      supervisor = await signIn(context, 'supervisor', [communeA]);
      auditor = await signIn(context, 'auditor', [communeA]);
      operator = await signIn(context, 'operator', [communeA]);
      police = await signIn(context, 'police', [communeA]);
      const centreOperator = await signIn(context, 'operator', 'all');
      for (const [as, overrides] of [
        [operator, {}],
        [operator, { occurredAt: '2026-07-01T08:00:00.000Z', category: 'incivility', siteId: siteA }],
        [supervisor, { spottedByOperator: false, service: 'Police municipale', category: 'drugs' }],
        [centreOperator, { communeInsee: communeB, cameraIds: [cameraB] }],
      ] as const) {
        const response = await offence(as, overrides);
        assert.equal(response.statusCode, 201, response.body);
      }
      // The fake review hours: 2 h 30 for commune A in 2026 (two units), 40 h in 2025; 1 h in commune B.
      statistics = createStatisticsModule({
        database: context.database.handle,
        audit: context.services.audit,
        clock: context.clock,
        ports: {
          requisitionTransitions: (filter) => context.services.requisitionsModule.api.facts.transitionsBetween(filter),
          reviewSeconds: async ({ year }) =>
            year === 2026
              ? [
                  { communeInsee: communeA, officerUnit: grenoble, seconds: 5400 },
                  { communeInsee: communeA, officerUnit: meylan, seconds: 3600 },
                  { communeInsee: communeB, officerUnit: 'Commissariat de Saint-Martin', seconds: 3600 },
                ]
              : year === 2025
                ? [{ communeInsee: communeA, officerUnit: grenoble, seconds: 144_000 }]
                : [],
          existingCommunes: (codes) => context.services.communes.existing(undefined, codes),
          communeOfSite: async (siteId, handle) => (await context.services.sites.findById(handle, siteId))?.commune_insee ?? null,
          communesOfCameras: (cameraIds, handle) => context.services.cameras.communesOfCameras(cameraIds, handle),
        },
      }).api;
    });
    after(async () => context?.close());

    it('a seeded year gives the hand-computed figures per commune, service and indicator', async () => {
      const view = await statistics.statistics({ from: 2025, to: 2026, communeInsee: communeA }, null);
      assert.deepEqual(figuresOf(view.rows), {
        [`2025|${communeA}|${grenoble}|review_hours|vigie`]: 40,
        [`2025|${communeA}|${grenoble}|requests|vigie`]: 1,
        [`2025|${communeA}|${grenoble}|requests_flagrance|vigie`]: 1,
        [`2026|${communeA}||offences_seen|vigie`]: 2,
        [`2026|${communeA}||offences_spotted_by_operators|vigie`]: 2,
        [`2026|${communeA}|${meylan}|requests|vigie`]: 2,
        [`2026|${communeA}|${meylan}|requests_investigation|vigie`]: 1,
        [`2026|${communeA}|${meylan}|requests_direct_collection|vigie`]: 1,
        [`2026|${communeA}|${meylan}|review_live_viewing_only|vigie`]: 1,
        [`2026|${communeA}|${meylan}|review_cancelled|vigie`]: 1,
        [`2026|${communeA}|${meylan}|review_hours|vigie`]: 1,
        [`2026|${communeA}|${grenoble}|requests|vigie`]: 3,
        [`2026|${communeA}|${grenoble}|requests_flagrance|vigie`]: 2,
        [`2026|${communeA}|${grenoble}|requests_preliminary|vigie`]: 1,
        [`2026|${communeA}|${grenoble}|review_positive|vigie`]: 1,
        // one reviewed this year, one received on 31 December 2025 (Paris) and reviewed this year
        [`2026|${communeA}|${grenoble}|review_negative|vigie`]: 2,
        [`2026|${communeA}|${grenoble}|exports|vigie`]: 1,
        [`2026|${communeA}|${grenoble}|review_hours|vigie`]: 1.5,
        [`2026|${communeA}|Police municipale|offences_seen|vigie`]: 1,
      });
      const totals = Object.fromEntries(view.totals.filter((total) => total.year === 2026).map((total) => [total.indicator, total.value]));
      assert.deepEqual(totals, {
        offences_seen: 3,
        offences_spotted_by_operators: 2,
        requests: 5,
        requests_flagrance: 2,
        requests_preliminary: 1,
        requests_investigation: 1,
        requests_direct_collection: 1,
        review_positive: 1,
        review_negative: 2,
        review_live_viewing_only: 1,
        review_cancelled: 1,
        exports: 1,
        review_hours: 2.5,
      });
    });

    it('a supervisor reads the figures of their communes only; the others are refused', async () => {
      const response = await supervisor.request({ method: 'GET', url: '/api/statistics?from=2026&to=2026' });
      assert.equal(response.statusCode, 200, response.body);
      const rows = response.json().rows as { communeInsee: string; indicator: string; value: number }[];
      assert.ok(rows.length > 0);
      assert.ok(rows.every((row) => row.communeInsee === communeA));
      assert.equal((await auditor.request({ method: 'GET', url: '/api/statistics' })).statusCode, 200);
      const foreign = await supervisor.request({ method: 'GET', url: `/api/statistics?communeInsee=${communeB}` });
      assert.deepEqual([foreign.statusCode, foreign.json().code], [403, 'commune_out_of_scope']);
      assert.equal((await operator.request({ method: 'GET', url: '/api/statistics' })).json().code, 'forbidden');
      assert.equal((await supervisor.request({ method: 'GET', url: '/api/statistics?from=2026&to=2020' })).statusCode, 400);
    });

    it('offences: recorded by operators and supervisors, audited, listed in scope; bad input stores nothing', async () => {
      const listed = await operator.request({ method: 'GET', url: '/api/offences' });
      assert.equal(listed.statusCode, 200);
      assert.equal(listed.json().length, 3);
      assert.ok((listed.json() as { communeInsee: string; source: string }[]).every((row) => row.communeInsee === communeA && row.source === 'form'));
      assert.equal((await auditActions('offence.recorded')).length, 4);
      const before = (await context.services.statistics.listOffences({}, null)).length;
      const refusals = [
        [operator, { cameraIds: [cameraB] }, 400],
        [operator, { occurredAt: '2026-11-24T10:00:00.000Z' }, 400],
        [operator, { category: 'vol' }, 400],
        [operator, { comment: 'x'.repeat(2001) }, 400],
        [operator, { communeInsee: communeB, cameraIds: [] }, 403],
        [police, {}, 403],
      ] as const;
      for (const [as, overrides, status] of refusals) assert.equal((await offence(as, overrides)).statusCode, status, JSON.stringify(overrides));
      assert.equal((await context.services.statistics.listOffences({}, null)).length, before);
    });

    it('imports past years: figures stored as "imported", shown beside Vigie’s for a year that has both, audited', async () => {
      const csv = `\uFEFFannée;commune;service;indicateur;valeur\n2018;${communeA};;Heures de relecture;650\n2019;${communeA};;review_hours;835\n2019;${communeA};${grenoble};Réquisitions reçues;41\n2026;${communeA};;Faits constatés;7\n`;
      const response = await supervisor.request({ method: 'POST', url: '/api/statistics/import', headers: csvHeaders, payload: csv });
      assert.equal(response.statusCode, 200, response.body);
      assert.deepEqual(response.json(), { lines: 4, inserted: 4, replaced: 0, years: [2018, 2019, 2026], communes: [communeA], yearsWithVigieData: [2026] });
      const again = await supervisor.request({ method: 'POST', url: '/api/statistics/import', headers: csvHeaders, payload: csv.replace(';835', ';835,5') });
      assert.deepEqual([again.json().inserted, again.json().replaced], [0, 4]);
      const view = await statistics.statistics({ from: 2018, to: 2026, communeInsee: communeA }, null);
      const figures = figuresOf(view.rows);
      assert.equal(figures[`2019|${communeA}||review_hours|imported`], 835.5);
      assert.equal(figures[`2019|${communeA}|${grenoble}|requests|imported`], 41);
      assert.equal(figures[`2026|${communeA}||offences_seen|imported`], 7);
      assert.equal(figures[`2026|${communeA}||offences_seen|vigie`], 2);
      const offencesSeen2026 = view.totals.filter((total) => total.year === 2026 && total.indicator === 'offences_seen');
      assert.deepEqual(
        offencesSeen2026.map((total) => [total.origin, total.value]),
        [
          ['vigie', 3],
          ['imported', 7],
        ],
      );
      const audited = await auditActions('statistics.imported');
      assert.equal(audited.length, 2);
      assert.deepEqual([audited[0]!.lines, audited[0]!.years, audited[1]!.replaced], [4, [2018, 2019, 2026], 4]);
    });

    it('a bad line is named and nothing is stored; a commune outside the importer’s scope too', async () => {
      const stored = await importedCount();
      const bad = `année;commune;service;indicateur;valeur\n2010;${communeA};;requests;12\n2011;${communeA};;requests;douze\n`;
      const refused = await supervisor.request({ method: 'POST', url: '/api/statistics/import', headers: csvHeaders, payload: bad });
      assert.equal(refused.statusCode, 400);
      assert.equal(refused.json().code, 'import_failed');
      assert.match(refused.json().message_fr, /Ligne 3, colonne « valeur »/);
      assert.deepEqual(
        (refused.json().details.errors as { line: number; code: string }[]).map((error) => [error.line, error.code]),
        [[3, 'invalid_value']],
      );
      const foreign = `année;commune;service;indicateur;valeur\n2010;${communeA};;requests;12\n2010;${communeB};;requests;12\n2010;75999;;requests;1\n`;
      const outOfScope = await supervisor.request({ method: 'POST', url: '/api/statistics/import', headers: csvHeaders, payload: foreign });
      assert.deepEqual(
        (outOfScope.json().details.errors as { line: number; code: string }[]).map((error) => [error.line, error.code]),
        [
          [3, 'commune_out_of_scope'],
          [4, 'unknown_commune'],
        ],
      );
      assert.equal(await importedCount(), stored);
      assert.equal((await auditor.request({ method: 'POST', url: '/api/statistics/import', headers: csvHeaders, payload: bad })).json().code, 'forbidden');
    });

    it('CSV for French spreadsheets and PDF, both audited', async () => {
      const csv = await supervisor.request({ method: 'GET', url: '/api/statistics/export.csv?from=2019&to=2026' });
      assert.equal(csv.statusCode, 200);
      assert.match(csv.headers['content-type'] as string, /^text\/csv/);
      assert.ok(csv.body.startsWith('\uFEFFAnnée;Commune (INSEE);Service;Indicateur;Code indicateur;Valeur;Origine\n'), csv.body.slice(0, 100));
      const lines = csv.body.split('\n');
      assert.ok(lines.includes(`2026;${communeA};${grenoble};Réquisitions reçues;requests;3;Vigie`), csv.body);
      assert.ok(lines.includes(`2019;${communeA};;Heures de relecture;review_hours;835,5;Importé`), csv.body);
      assert.ok(!csv.body.includes(communeB));
      const pdf = await supervisor.request({ method: 'GET', url: '/api/statistics/export.pdf?from=2019&to=2026' });
      assert.equal(pdf.statusCode, 200);
      assert.equal(pdf.headers['content-type'], 'application/pdf');
      assert.equal(pdf.rawPayload.subarray(0, 5).toString(), '%PDF-');
      assert.ok(pdf.rawPayload.length > 5000);
      assert.deepEqual(
        (await auditActions('statistics.exported')).map((details) => details.format),
        ['csv', 'pdf'],
      );
    });

    it('a logbook entry "offence spotted" feeds the same counts, once however often it is replayed', async () => {
      const count = async () =>
        (await statistics.statistics({ from: 2026, to: 2026, communeInsee: communeA }, null)).totals
          .filter((total) => total.origin === 'vigie' && total.indicator.startsWith('offences'))
          .map((total) => [total.indicator, total.value]);
      const before = await count();
      const entry = {
        logbookEntryId: 'logbook-entry-1',
        kind: 'offence_spotted' as const,
        communeInsee: communeA,
        occurredAt: '2026-09-01T02:00:00.000Z',
        category: 'drugs' as const,
        cameraIds: [cameraA],
        comment: 'Transaction observée en patrouille virtuelle.',
      };
      const actor = { type: 'user' as const, id: operator.userId, login: operator.login };
      const first = await context.database.handle.db.transaction().execute((trx) => statistics.recordFromLogbook(trx, entry, actor));
      const replayed = await context.database.handle.db.transaction().execute((trx) => statistics.recordFromLogbook(trx, entry, actor));
      assert.deepEqual([first.created, replayed.created, replayed.id], [true, false, first.id]);
      assert.deepEqual(await count(), [
        ['offences_seen', Number(before[0]![1]) + 1],
        ['offences_spotted_by_operators', Number(before[1]![1]) + 1],
      ]);
      const [listed] = await statistics.listOffences({ from: '2026-09-01T00:00:00.000Z', to: '2026-09-02T00:00:00.000Z' }, null);
      assert.deepEqual([listed!.source, listed!.sourceRef, listed!.spottedByOperator], ['logbook', 'logbook-entry-1', true]);
    });
  });
}
