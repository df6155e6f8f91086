// The alarm e2e tests' commune: a school with two cameras (a PPMS alert brings both up) and a
// station with one (which must not come up), TOTP not required for image roles.
import { testCli, type TestContext } from '../../server/src/testing/context.ts';

export async function seedSchoolAndStation(services: TestContext['services'], commune: string, schoolCameras: string[]): Promise<{ schoolId: string }> {
  await services.settings.set('totp_required_for_image_roles', false, testCli.actor);
  await services.communes.create({ insee: commune, name: 'Grenoble', retentionDays: 14 }, testCli);
  const schoolId = (await services.sites.create({ communeInsee: commune, name: 'École Jean-Jaurès', kind: 'school' }, testCli)).id;
  const station = (await services.sites.create({ communeInsee: commune, name: 'Gare', kind: 'station' }, testCli)).id;
  let octet = 10;
  const camera = async (siteId: string, name: string) =>
    (
      await services.cameras.create(
        {
          siteId,
          name,
          kind: 'fixed',
          fieldClass: 'narrow',
          model: 'Axis P1465-LE',
          ipAddress: `10.1.0.${++octet}`,
          macAddress: `AC:CC:8E:00:00:${octet.toString(16).toUpperCase().padStart(2, '0')}`,
          mainStreamUrl: `rtsp://10.1.0.${octet}:554/main`,
          latitude: 45.1885,
          longitude: 5.7245,
          headingDeg: 90,
          purposes: ['people_property_safety'],
          commissioningDate: '2024-05-02',
        },
        testCli,
      )
    ).id;
  schoolCameras.push(await camera(schoolId, 'École – Portail'), await camera(schoolId, 'École – Cour'));
  await camera(station, 'Gare – Parvis');
  return { schoolId };
}
