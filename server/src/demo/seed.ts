// Demo data: two communes, an authorisation each, one user per role (printed credentials),
// second factor off. Idempotent: what exists is kept, so `./vigie demo` can be re-run.
import type { Role } from '../modules/access/index.ts';
import type { SiteKind } from '../modules/sites/index.ts';
import { cliActor } from '../modules/audit/index.ts';
import { addDays, addYears, parisDate } from '../platform/clock.ts';
import { DomainError } from '../platform/errors.ts';
import type { Services } from '../services.ts';

export const demoCommunes = [
  { insee: '38999', name: 'Vigie-les-Bains', retentionDays: 14 },
  { insee: '38998', name: 'Saint-Guet-sur-Isère', retentionDays: 21 },
] as const;

export const demoPassword = 'Vigie-Demo-2026!';

/** LEGAL 17: the demo's authorisations name the police, the gendarmerie and the municipal police. */
export const demoRecipients = ['national_police', 'gendarmerie', 'municipal_police'] as const;

/** Demo sites in the order the simulator's inventory spreads them over the two communes. */
export const demoSites: { name: string; kind: SiteKind; address: string }[] = [
  { name: 'Place de la Mairie', kind: 'public_building', address: '1 place de la Mairie' },
  { name: 'Entrée de ville RD1075', kind: 'town_entrance', address: 'Route départementale 1075' },
  { name: 'École Jules-Ferry', kind: 'school', address: '12 rue Jules-Ferry' },
  { name: 'Parc des Berges', kind: 'park', address: 'Quai des Berges' },
  { name: 'Gare', kind: 'station', address: 'Avenue de la Gare' },
  { name: 'Marché couvert', kind: 'market', address: 'Rue du Marché' },
];

/** The demo's camera inventory as CSV (made by the simulator for its own cameras). */
export interface DemoInventory {
  csv: string;
  /** Camera names left out of every authorisation, to show the `unauthorised` state. */
  unauthorisedNames: string[];
}

export const demoUsers: { login: string; role: Role; communes: string[] | 'all'; name: string }[] = [
  { login: 'admin', role: 'administrator', communes: 'all', name: 'Alice Administratrice' },
  { login: 'chef', role: 'supervisor', communes: 'all', name: 'Bruno Chef de CSU' },
  { login: 'operateur', role: 'operator', communes: ['38999', '38998'], name: 'Chloé Opératrice' },
  { login: 'operateur2', role: 'operator', communes: ['38998'], name: 'David Opérateur (Saint-Guet)' },
  { login: 'police', role: 'police', communes: ['38999'], name: 'Élodie OPJ' },
  { login: 'partenaire', role: 'partner', communes: ['38999'], name: 'Fabien Bailleur social' },
  { login: 'auditeur', role: 'auditor', communes: 'all', name: 'Gaëlle Auditrice' },
  { login: 'technicien', role: 'technician', communes: 'all', name: 'Hugo Technicien' },
];

async function ignoreConflict<T>(work: () => Promise<T>): Promise<T | null> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'conflict') return null;
    throw error;
  }
}

/** `osUser`: in whose name the rows are audited (`cli:<user>`; config.ts's `operatingSystemUser`). */
export async function seedDemo(services: Services, now: Date = new Date(), inventory?: DemoInventory, osUser = 'unknown'): Promise<void> {
  const acting = { actor: cliActor(osUser), principal: null };
  const today = parisDate(now);
  for (const commune of demoCommunes) {
    await ignoreConflict(() => services.communes.create({ ...commune, timeZone: 'Europe/Paris' }, acting));
  }
  const authorisations = await services.authorisations.list(null);
  const existing = new Set(authorisations.map((authorisation) => authorisation.reference));
  // A demo seeded before the PATCH fix (issue 17) lost its recipients: give them back.
  for (const authorisation of authorisations) {
    if (demoCommunes.some((commune) => commune.insee === authorisation.communeInsee) && authorisation.recipients.length === 0) {
      await services.authorisations.update(authorisation.id, { recipients: [...demoRecipients] }, acting);
    }
  }
  for (const [index, commune] of demoCommunes.entries()) {
    const reference = `AP-38-${2025 + index}-00${index + 1}`;
    if (existing.has(reference)) continue;
    await services.authorisations.create(
      {
        reference,
        communeInsee: commune.insee,
        startOn: index === 0 ? '2025-01-15' : addDays(addYears(today, -5), 91),
        // The second one expires within 120 days, so the renewal alert shows in the demo.
        endOn: index === 0 ? addYears('2025-01-15', 5) : addDays(today, 90),
        perimeter: `Voie publique et bâtiments communaux de ${commune.name}`,
        purposes: ['people_property_safety', 'public_buildings', 'traffic_regulation'],
        minRetentionDays: 7,
        maxRetentionDays: 30,
        recipients: [...demoRecipients],
        cameraIds: [],
      },
      acting,
    );
  }
  const trainingDate = addYears(today, -1);
  for (const user of demoUsers) {
    await ignoreConflict(() =>
      services.accounts.create(
        {
          login: user.login,
          displayName: user.name,
          role: user.role,
          password: demoPassword,
          allCommunes: user.communes === 'all',
          communes: user.communes === 'all' ? [] : user.communes,
          approvalReference: user.role === 'police' ? null : `AGR-DEMO-${user.login.toUpperCase()}`,
          approvalExpiresOn: user.role === 'police' ? null : addYears(today, 4),
          trainingDate,
        },
        acting,
      ),
    );
  }
  if (inventory) await seedCameras(services, inventory, osUser);
  // Two video walls for the big screens (/kiosk/wall/<id>): operators push layouts to them.
  for (const name of ['Mur principal', 'Mur secondaire']) await ignoreConflict(() => services.walls.create({ name }, acting));
  // The demo runs on loopback without phones: no second factor unless re-enabled.
  await services.settings.set('totp_required_for_image_roles', false, acting.actor);
}

/** Sites with their kinds, the simulator's cameras, and authorisations covering all but one. */
async function seedCameras(services: Services, inventory: DemoInventory, osUser: string): Promise<void> {
  const acting = { actor: cliActor(osUser), principal: null };
  const existingSites = new Set((await services.sites.list(null)).map((site) => `${site.communeInsee}/${site.name}`));
  for (const [index, site] of demoSites.entries()) {
    const communeInsee = demoCommunes[index % demoCommunes.length]!.insee;
    if (existingSites.has(`${communeInsee}/${site.name}`)) continue;
    await services.sites.create({ communeInsee, name: site.name, kind: site.kind, address: site.address }, acting);
  }
  await services.cameras.importCsv(inventory.csv, { createSites: true }, acting);
  const cameras = await services.cameras.list(null);
  for (const authorisation of await services.authorisations.list(null)) {
    const covered = cameras
      .filter((camera) => camera.communeInsee === authorisation.communeInsee && !inventory.unauthorisedNames.includes(camera.name))
      .map((camera) => camera.id);
    const missing = covered.filter((id) => !authorisation.cameraIds.includes(id));
    // Only the cameras are sent: the update keeps the recipients (police, gendarmerie) as declared.
    if (missing.length > 0) await services.authorisations.update(authorisation.id, { cameraIds: [...authorisation.cameraIds, ...missing] }, acting);
  }
}
