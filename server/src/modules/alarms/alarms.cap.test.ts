// CAP 1.2 validation and matching, no IO: valid documents in the standard's shape are read; each
// rule broken by one fixture is refused with `cap_invalid` and its rule; area matching (INSEE and
// department geocodes, point in polygon, circle by haversine), the priority table, the type.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DomainError } from '../../platform/errors.ts';
import { capAlarmType, capPriority, capTitle, haversineKm, mainInfo, matchAreas, pointInPolygon } from './alarms.cap.areas.ts';
import { capDocument, capFollowUp, capInfo, circleArea, inseeArea, polygonArea, weatherDocument } from './alarms.cap.fixtures.ts';
import { capInstant, parseCap } from './alarms.cap.ts';

function refused(text: string, rule: string): void {
  assert.throws(
    () => parseCap(text),
    (error: unknown) => {
      assert.ok(error instanceof DomainError, String(error));
      assert.equal(error.code, 'cap_invalid');
      assert.equal((error.details as { rule: string }).rule, rule, error.message);
      assert.match(error.messageFr, /^Message CAP refusé/);
      return true;
    },
  );
}

const gare = { id: 'site-gare', communeInsee: '38185', latitude: 45.1915, longitude: 5.7146 };
const mairie = { id: 'site-mairie', communeInsee: '38421', latitude: 45.167, longitude: 5.765 };

describe('CAP 1.2 documents', () => {
  it('reads a valid prefecture alert: triple, enumerations, info, area, entities decoded, sent in UTC', () => {
    const alert = parseCap(capDocument());
    assert.equal(alert.identifier, 'PREF38-2026-0042');
    assert.equal(alert.sender, 'alertes@isere.gouv.fr');
    assert.equal(alert.sent, '2026-11-23T10:58:00+01:00');
    assert.equal(alert.sentAt, '2026-11-23T09:58:00.000Z');
    assert.equal(alert.msgType, 'Alert');
    assert.equal(alert.infos.length, 1);
    assert.equal(alert.infos[0]?.description, 'Limiter les déplacements & reporter les activités sportives.');
    assert.deepEqual(alert.infos[0]?.areas[0]?.geocodes, [{ valueName: 'INSEE', value: '38185' }]);
  });

  it('reads a namespace prefix, a weather polygon, an update with its references, an alert with no info', () => {
    const prefixed = capDocument()
      .replace('<alert xmlns="urn', '<cap:alert xmlns:cap="urn')
      .replace('</alert>', '</cap:alert>')
      .replace(/<(\/?)(identifier|sender|sent|status|msgType|scope|info)>/g, '<$1cap:$2>');
    assert.equal(parseCap(prefixed).identifier, 'PREF38-2026-0042');
    const weather = parseCap(weatherDocument());
    assert.equal(weather.infos[0]?.areas[0]?.polygons[0]?.length, 5);
    const update = parseCap(capFollowUp('Update', { sender: 'a@b', identifier: 'X1', sent: '2026-11-23T10:58:00+01:00' }));
    assert.deepEqual(update.references, [{ sender: 'a@b', identifier: 'X1', sent: '2026-11-23T10:58:00+01:00' }]);
    assert.equal(parseCap(capDocument({ infos: [] })).infos.length, 0);
    const restricted = parseCap(capDocument({ scope: 'Restricted', alertExtra: '<restriction>Services de secours</restriction>' }));
    assert.equal(restricted.restriction, 'Services de secours');
  });

  it('refuses each broken rule with its name', () => {
    refused(`<!DOCTYPE alert [<!ENTITY x "boom">]>${capDocument()}`, 'doctype');
    refused(capDocument().replace('</alert>', ''), 'xml');
    refused(capDocument().padEnd(300 * 1024, ' '), 'size');
    refused(capDocument().replace('urn:oasis:names:tc:emergency:cap:1.2', 'urn:oasis:names:tc:emergency:cap:1.1'), 'namespace');
    refused('<feed xmlns="http://www.w3.org/2005/Atom"></feed>', 'root');
    refused(capDocument().replace(/<identifier>.*<\/identifier>/, ''), 'required');
    refused(capDocument().replace(/<sender>.*<\/sender>/, ''), 'required');
    refused(capDocument().replace('<scope>Public</scope>', '<scope>Public</scope><status>Actual</status>'), 'once');
    refused(capDocument({ identifier: 'PREF 38' }), 'identifier');
    refused(capDocument({ sender: 'a,b' }), 'identifier');
    refused(capDocument({ status: 'Real' }), 'enumeration');
    refused(capDocument({ msgType: 'Alarm' }), 'enumeration');
    refused(capDocument({ scope: 'Everyone' }), 'enumeration');
    refused(capDocument({ scope: 'Restricted' }), 'scope');
    refused(capDocument({ scope: 'Private' }), 'scope');
    refused(capDocument({ sent: '2026-11-23T10:58:00Z' }), 'datetime');
    refused(capDocument({ sent: '2026-11-23T10:58:00.123+01:00' }), 'datetime');
    refused(capDocument({ sent: '2026-02-30T10:58:00+01:00' }), 'datetime');
    refused(capDocument({ msgType: 'Update' }), 'references');
    refused(capDocument({ msgType: 'Cancel', alertExtra: '<references>a@b,X1</references>' }), 'references');
    refused(capDocument({ msgType: 'Cancel', alertExtra: '<references>a@b,X1,2026-11-23T10:58:00Z</references>' }), 'datetime');
    refused(capDocument({ infos: [capInfo({ category: 'Weather' })] }), 'enumeration');
    refused(capDocument({ infos: [capInfo({ urgency: 'Now' })] }), 'enumeration');
    refused(capDocument({ infos: [capInfo({ severity: 'High' })] }), 'enumeration');
    refused(capDocument({ infos: [capInfo({ certainty: 'Very Likely' })] }), 'enumeration');
    refused(capDocument({ infos: [capInfo().replace(/<event>.*<\/event>/, '')] }), 'required');
    refused(capDocument({ infos: [capInfo().replace(/<category>.*<\/category>/, '')] }), 'required');
    refused(capDocument({ infos: [capInfo({ extra: '<effective>2026-11-23</effective>' })] }), 'datetime');
    refused(capDocument({ infos: [capInfo({ area: '<area><polygon>45.1,5.7 45.2,5.7 45.1,5.7</polygon></area>' })] }), 'required');
    refused(capDocument({ infos: [capInfo({ area: polygonArea('45.1,5.7 45.2,5.7 45.1,5.7') })] }), 'polygon');
    refused(capDocument({ infos: [capInfo({ area: polygonArea('45.1,5.7 45.2,5.7 45.2,5.8 45.1,5.8') })] }), 'polygon');
    refused(capDocument({ infos: [capInfo({ area: polygonArea('45.1,5.7 95.2,5.7 45.2,5.8 45.1,5.7') })] }), 'polygon');
    refused(capDocument({ infos: [capInfo({ area: circleArea('45.19,5.71') })] }), 'circle');
    refused(capDocument({ infos: [capInfo({ area: circleArea('45.19;5.71 3') })] }), 'circle');
    refused(capDocument({ infos: [capInfo({ area: '<area><areaDesc>x</areaDesc><geocode><valueName>INSEE</valueName></geocode></area>' })] }), 'required');
  });

  it('reads CAP dateTimes with their offset, and no other form', () => {
    assert.equal(capInstant('2026-07-01T00:30:00-05:00', 'sent'), '2026-07-01T05:30:00.000Z');
    assert.equal(capInstant('2026-07-01T00:30:00+00:00', 'sent'), '2026-07-01T00:30:00.000Z');
    for (const bad of ['2026-07-01 00:30:00+02:00', '2026-07-01T24:30:00+02:00', '2026-13-01T00:30:00+02:00', '2026-07-01T00:30+02:00'])
      assert.throws(() => capInstant(bad, 'sent'), DomainError, bad);
  });
});

describe('CAP areas, priority and type', () => {
  const communes = ['38185', '38421', '73065'];
  const infosOf = (area: string) => parseCap(capDocument({ infos: [capInfo({ area })] })).infos;

  it('matches INSEE and department geocodes to the centre’s communes only', () => {
    assert.deepEqual(matchAreas(infosOf(inseeArea(['38185', '75056'])), communes, []).communes, ['38185']);
    assert.deepEqual(matchAreas(infosOf(inseeArea(['38421'], 'CODE_INSEE')), communes, []).communes, ['38421']);
    assert.deepEqual(matchAreas(infosOf(inseeArea(['38'], 'DEPT')), communes, []).communes, ['38185', '38421']);
    assert.deepEqual(matchAreas(infosOf(inseeArea(['38185'], 'EMMA_ID')), communes, []).communes, []);
  });

  it('matches a polygon and a circle through the sites inside them', () => {
    const polygon = matchAreas(infosOf(polygonArea()), communes, [gare, mairie]);
    assert.deepEqual(polygon.communes, ['38185']);
    assert.deepEqual(polygon.sites.get('38185'), ['site-gare']);
    assert.deepEqual(matchAreas(infosOf(circleArea('45.19,5.72 1')), communes, [gare, mairie]).communes, ['38185']);
    assert.deepEqual(matchAreas(infosOf(circleArea('45.18,5.74 5')), communes, [gare, mairie]).communes, ['38185', '38421']);
    assert.deepEqual(matchAreas(infosOf(circleArea('44.0,4.0 10')), communes, [gare, mairie]).communes, []);
    assert.ok(
      pointInPolygon(45.19, 5.71, [
        [45.18, 5.7],
        [45.2, 5.7],
        [45.2, 5.73],
        [45.18, 5.73],
        [45.18, 5.7],
      ]),
    );
    assert.ok(
      !pointInPolygon(45.21, 5.71, [
        [45.18, 5.7],
        [45.2, 5.7],
        [45.2, 5.73],
        [45.18, 5.73],
        [45.18, 5.7],
      ]),
    );
    assert.ok(Math.abs(haversineKm(48.8566, 2.3522, 45.1885, 5.7245) - 480) < 5, 'Paris to Grenoble is about 480 km');
  });

  it('maps severity and urgency to the priority, the category to the type, an exercise to low', () => {
    const of = (severity: string, urgency: string, category = 'Safety', status = 'Actual') =>
      parseCap(capDocument({ status, infos: [capInfo({ severity, urgency, category })] }));
    assert.equal(capPriority(of('Extreme', 'Immediate')), 1);
    assert.equal(capPriority(of('Extreme', 'Future')), 2);
    assert.equal(capPriority(of('Severe', 'Expected')), 2);
    assert.equal(capPriority(of('Moderate', 'Immediate')), 3);
    assert.equal(capPriority(of('Minor', 'Immediate')), 4);
    assert.equal(capPriority(of('Extreme', 'Past')), 4);
    assert.equal(capPriority(of('Unknown', 'Unknown')), 2, 'a prefecture alert’s default');
    assert.equal(capPriority(of('Unknown', 'Unknown', 'Met')), 3, 'a weather alert’s default');
    assert.equal(capPriority(of('Extreme', 'Immediate', 'Safety', 'Exercise')), 4);
    assert.equal(capAlarmType(mainInfo(of('Severe', 'Expected', 'Met'))), 'weather_alert');
    assert.equal(capAlarmType(mainInfo(of('Severe', 'Expected', 'Health'))), 'prefecture_alert');
    assert.match(capTitle(of('Minor', 'Future', 'Safety', 'Exercise')), /^Exercice : /);
  });

  it('shows the French info when there are several languages, and takes the most urgent priority', () => {
    const alert = parseCap(
      capDocument({
        infos: [
          capInfo({ language: 'en-GB', headline: 'Air pollution', severity: 'Extreme', urgency: 'Immediate' }),
          capInfo({ language: 'fr-FR', headline: 'Pollution' }),
        ],
      }),
    );
    assert.equal(capTitle(alert), 'Pollution');
    assert.equal(capPriority(alert), 1);
  });
});
