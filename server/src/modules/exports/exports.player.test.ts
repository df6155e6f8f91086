import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { journalFixture } from './exports.player.fixture.ts';
import { sha256Source } from './exports.player.sha256.ts';
import { playerTexts } from './exports.player.strings.ts';
import { renderPlayerHtml } from './exports.player.ts';
import { gapReasonInWords, legalFrameworkInWords } from './exports.player.words.ts';

const dangerous = '</script><script>alert(1)</script> <!-- x --> ]]> \u2028\u2029 & "quotes" \'apostrophe\'';

function scripts(html: string): { attributes: string; content: string }[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((match) => ({ attributes: match[1]!, content: match[2]! }));
}

describe('the offline player page (player.html)', () => {
  it('refers to nothing outside the package: no URL, no "//", no external file but media/', () => {
    const journal = journalFixture(['Gare – Parvis', 'Gare – Quai 1']);
    const html = renderPlayerHtml(journal);
    assert.doesNotMatch(html, /https?:/i);
    assert.ok(!html.includes('//'), 'no "//" (scheme-relative URL) anywhere');
    const markup = html.replace(/<script([^>]*)>[\s\S]*?<\/script>/g, '');
    assert.doesNotMatch(markup, /\b(src|href|action)\s*=/i, 'no src, href nor action attribute in the markup: the script sets only media/ paths and blob URLs');
    assert.doesNotMatch(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '', /@import|url\(/i, 'no CSS import nor url()');
    const policy = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(policy, /default-src 'none'/);
    assert.match(policy, /connect-src 'none'/);
    assert.ok(Buffer.byteLength(html) < 60_000, `${Buffer.byteLength(html)} bytes`);
  });

  it('embeds the journal, which parses back equal, and the page script is the one the policy allows', () => {
    const journal = journalFixture(['Hôtel de Ville – Entrée']);
    const html = renderPlayerHtml(journal);
    const [embedded, texts, code] = scripts(html);
    assert.match(embedded!.attributes, /type="application\/json" id="vigie-journal"/);
    assert.deepEqual(JSON.parse(embedded!.content), journal);
    assert.deepEqual(JSON.parse(texts!.content), playerTexts);
    const hash = createHash('sha256').update(code!.content, 'utf8').digest('base64');
    assert.ok(html.includes(`script-src 'sha256-${hash}'`), 'the CSP names the hash of the one executable script');
    assert.doesNotThrow(() => new Function(code!.content), 'the page script parses as JavaScript');
    assert.match(html, /<html lang="fr">/);
    assert.match(html, /Vérifier les empreintes/);
  });

  it('keeps dangerous camera names inside the JSON: no way out of the script element', () => {
    const journal = journalFixture([dangerous, `${dangerous}2`]);
    const html = renderPlayerHtml(journal);
    assert.equal(scripts(html).length, 3, 'exactly the three script elements of the page');
    assert.equal((html.match(/<script/gi) ?? []).length, 3);
    assert.equal((html.match(/<\/script/gi) ?? []).length, 3);
    assert.ok(!html.includes('<!--'), 'no comment opening');
    assert.ok(!html.includes('\u2028') && !html.includes('\u2029'), 'line separators escaped');
    assert.ok(!html.includes('alert(1)</script>'));
    const embedded = scripts(html)[0]!.content;
    assert.ok(!/[<>&]/.test(embedded), 'no <, > nor & in the embedded JSON');
    assert.deepEqual(JSON.parse(embedded), journal, 'the names come back intact');
    assert.equal(JSON.parse(embedded).items[0].cameraName, dangerous);
    assert.ok(!html.includes('<script>alert(1)'), 'the name is not in the markup either');
  });

  it("the page's fallback SHA-256 equals Node's, across block boundaries and slices", () => {
    const Sha256 = new Function(`${sha256Source}; return Sha256;`)() as new () => { update(bytes: Uint8Array): void; hex(): string };
    for (const size of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000, 200_003]) {
      const data = randomBytes(size);
      const hash = new Sha256();
      for (let at = 0; at < size; at += 7919) hash.update(data.subarray(at, at + 7919));
      assert.equal(hash.hex(), createHash('sha256').update(data).digest('hex'), `${size} bytes`);
    }
  });

  it('says the gap reasons and legal frameworks in words, in French and English', () => {
    assert.equal(gapReasonInWords('stream_lost: timeout'), 'flux perdu');
    assert.equal(gapReasonInWords('packet_loss', 'en'), 'network packet loss');
    assert.equal(gapReasonInWords('cosmic_ray'), 'autre cause (cosmic_ray)');
    assert.match(legalFrameworkInWords('flagrance'), /article 60-1 du code de procédure pénale/);
    assert.match(legalFrameworkInWords('investigation'), /99-3/);
    assert.match(legalFrameworkInWords('direct_collection'), /sans réquisition écrite/);
    assert.deepEqual(Object.keys(playerTexts.en.ui).sort(), Object.keys(playerTexts.fr.ui).sort());
  });
});
