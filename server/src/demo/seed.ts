// Demo data: two communes, an authorisation each, one user per role (printed credentials),
// second factor off. Idempotent: what exists is kept, so `./vigie demo` can be re-run.
import type { Role } from '../modules/access/policy.ts';
import { cliActor } from '../modules/audit/audit.types.ts';
import { addDays, addYears, parisDate } from '../platform/clock.ts';
import { DomainError } from '../platform/errors.ts';
import type { Services } from '../services.ts';

export const demoCommunes = [
  { insee: '38999', name: 'Vigie-les-Bains', retentionDays: 14 },
  { insee: '38998', name: 'Saint-Guet-sur-Isère', retentionDays: 21 },
] as const;

export const demoPassword = 'Vigie-Demo-2026!';

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

export async function seedDemo(services: Services, now: Date = new Date()): Promise<void> {
  const acting = { actor: cliActor(), principal: null };
  const today = parisDate(now);
  for (const commune of demoCommunes) {
    await ignoreConflict(() => services.communes.create({ ...commune, timeZone: 'Europe/Paris' }, acting));
  }
  const existing = new Set((await services.authorisations.list(null)).map((authorisation) => authorisation.reference));
  for (const [index, commune] of demoCommunes.entries()) {
    const reference = `AP-38-${2025 + index}-00${index + 1}`;
    if (existing.has(reference)) continue;
    await services.authorisations.create({
      reference,
      communeInsee: commune.insee,
      startOn: index === 0 ? '2025-01-15' : addDays(addYears(today, -5), 91),
      // The second one expires within 120 days, so the renewal alert shows in the demo.
      endOn: index === 0 ? addYears('2025-01-15', 5) : addDays(today, 90),
      perimeter: `Voie publique et bâtiments communaux de ${commune.name}`,
      purposes: ['people_property_safety', 'public_buildings', 'traffic_regulation'],
      minRetentionDays: 7,
      maxRetentionDays: 30,
      recipients: ['national_police', 'gendarmerie', 'municipal_police'],
      cameraIds: [],
    }, acting);
  }
  const trainingDate = addYears(today, -1);
  for (const user of demoUsers) {
    await ignoreConflict(() => services.accounts.create({
      login: user.login,
      displayName: user.name,
      role: user.role,
      password: demoPassword,
      allCommunes: user.communes === 'all',
      communes: user.communes === 'all' ? [] : user.communes,
      approvalReference: user.role === 'police' ? null : `AGR-DEMO-${user.login.toUpperCase()}`,
      approvalExpiresOn: user.role === 'police' ? null : addYears(today, 4),
      trainingDate,
    }, acting));
  }
  // The demo runs on loopback without phones: no second factor unless re-enabled.
  await services.settings.set('totp_required_for_image_roles', false, acting.actor);
}
