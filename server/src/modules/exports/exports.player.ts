// The evidence package's offline player (LEGAL 16: the court watches without installing
// anything): one self-contained `player.html`, inline CSS and script, no network, the package's
// MP4s referenced relatively (`media/...` from the journal). The journal is embedded as JSON,
// escaped so that no text of it can close its <script> element; a Content-Security-Policy with
// the hashes of the page's own style and script refuses anything else. The page's behaviour is in
// exports.player.script.ts (playback) and exports.player.check.ts (hash check).
import { createHash } from 'node:crypto';
import type { EvidenceJournal } from './exports.journal.ts';
import { checkScript } from './exports.player.check.ts';
import { sha256Source } from './exports.player.sha256.ts';
import { playerScript } from './exports.player.script.ts';
import { type PlayerTextKey, playerTexts } from './exports.player.strings.ts';

const style = `
:root { color-scheme: light dark; --ink: #1d2530; --paper: #f6f7f9; --line: #c8ced6; --accent: #0b5cad; --ok: #1a7f37; --bad: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.45 system-ui, sans-serif; color: var(--ink); background: var(--paper); }
header { display: flex; gap: 1rem; align-items: center; padding: .8rem 1.2rem; background: #14202e; color: #fff; }
header h1 { font-size: 1.25rem; margin: 0; } header p { margin: 0; opacity: .8; flex: 1; }
main { padding: 0 1.2rem 2rem; max-width: 1600px; margin: 0 auto; }
h2 { font-size: 1.1rem; margin: 1.4rem 0 .5rem; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; margin: 0; }
dt { font-weight: 600; } dd { margin: 0; }
table { border-collapse: collapse; width: 100%; background: #fff; color: #1d2530; font-size: .88rem; }
th, td { border: 1px solid var(--line); padding: .3rem .45rem; text-align: left; vertical-align: top; }
tr.current { background: #e6f0fb; }
code.hash { font: .78rem/1.3 ui-monospace, monospace; word-break: break-all; }
button, .button { font: inherit; padding: .35rem .7rem; border: 1px solid var(--accent); border-radius: 4px; background: #fff; color: var(--accent); cursor: pointer; }
button[aria-pressed="true"] { background: var(--accent); color: #fff; }
button:focus-visible, .timeline:focus-visible, #drop:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
.button input { position: absolute; opacity: 0; width: 1px; height: 1px; }
.button:focus-within { outline: 3px solid #f5a623; }
#controls { display: flex; flex-wrap: wrap; gap: .4rem; align-items: center; margin-bottom: .5rem; }
#message { min-height: 1.4em; margin: .2rem 0; color: var(--accent); }
.tiles { display: grid; gap: .8rem; grid-template-columns: 1fr; }
.tiles.many { grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); }
.tile { margin: 0; background: #000; border-radius: 4px; overflow: hidden; }
.screen { position: relative; }
.screen video { display: block; width: 100%; max-height: 70vh; background: #000; }
.overlay { position: absolute; left: 0; right: 0; top: 0; display: flex; justify-content: space-between; gap: 1rem; padding: .3rem .5rem;
  background: rgba(0, 0, 0, .6); color: #fff; font: 600 .9rem/1.3 ui-monospace, monospace; pointer-events: none; }
.no-image { position: absolute; inset: 2rem 0 0 0; display: flex; align-items: center; justify-content: center; background: rgba(20, 20, 20, .85); color: #fff; font-size: 1.3rem; }
.no-image[hidden], .tile-message[hidden] { display: none; }
.tile-message { margin: 0; padding: .5rem; background: #fff3cd; color: #5c3b00; }
.timeline { position: relative; height: 34px; background: #3a3f46; margin: 0; cursor: pointer; }
.timeline .recorded { position: absolute; top: 4px; height: 14px; background: #2e9b4f; }
.timeline .gap { position: absolute; top: 4px; height: 14px; background: #d92d20; }
.timeline .tick { position: absolute; top: 18px; font-size: .68rem; color: #dfe3e8; transform: translateX(-50%); border-left: 1px solid #aab; padding-left: 2px; }
.timeline .cursor { position: absolute; top: 0; bottom: 0; width: 2px; background: #ffd60a; }
.hint { font-size: .85rem; opacity: .8; }
#drop { margin: .6rem 0; padding: 1.2rem; border: 2px dashed var(--line); border-radius: 6px; text-align: center; }
#drop.over { border-color: var(--accent); background: #e6f0fb; }
.status-ok { color: var(--ok); font-weight: 700; } .status-different, .status-missing { color: var(--bad); font-weight: 700; }
#check-summary[data-outcome="ok"] { color: var(--ok); font-weight: 700; } #check-summary[data-outcome="bad"] { color: var(--bad); font-weight: 700; }
`;

/** JSON that can sit inside a <script> element: no `<` (so no `</script` nor `<!--`), no `>` nor `&`, no U+2028/2029. */
function scriptSafeJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

/** An element whose text the script replaces in the chosen language; French already in place without script. */
function say(key: PlayerTextKey, tag = 'span', attributes = ''): string {
  return `<${tag} data-t="${key}"${attributes}>${escapeHtml(playerTexts.fr.ui[key])}</${tag}>`;
}
function label(key: PlayerTextKey): string {
  const text = escapeHtml(playerTexts.fr.ui[key]);
  return `data-t-label="${key}" aria-label="${text}" title="${text}"`;
}

const speedOptions = ['1/8', '1/4', '1/2', '1', '2', '4', '8', '16']
  .map((speed, index) => `<option value="${index}"${speed === '1' ? ' selected' : ''}>×${speed}</option>`)
  .join('');

function body(journal: EvidenceJournal): string {
  return `<header>
<h1 data-t="title">${escapeHtml(playerTexts.fr.ui.title)}</h1>${say('subtitle', 'p')}
<button type="button" id="language" lang="en" ${label('languageLabel')}><span data-t="language">English</span></button>
</header>
<main>
<section aria-labelledby="h-references"><h2 id="h-references" data-t="references">Références</h2><dl id="references"><dt>${escapeHtml(playerTexts.fr.ui.package)}</dt><dd>${escapeHtml(journal.packageId)}</dd></dl></section>
<section aria-labelledby="h-items"><h2 id="h-items" data-t="items">Extraits</h2>
<table id="items"><thead><tr><th></th>${say('camera', 'th')}${say('location', 'th')}${say('imageRange', 'th')}${say('duration', 'th')}${say('video', 'th')}${say('file', 'th')}</tr></thead><tbody id="items-body"></tbody></table>
</section>
<section id="player" aria-labelledby="h-player"><h2 id="h-player" data-t="player">Lecture</h2>
<div id="controls" role="toolbar" ${label('player')}>
<button type="button" id="frame-back" ${label('frameBack')}>|◀</button>
<button type="button" id="play" aria-pressed="false" ${label('playPause')}>▶</button>
<button type="button" id="frame-forward" ${label('frameForward')}>▶|</button>
<button type="button" id="reverse" aria-pressed="false">◀◀ ${say('reverse')}</button>
<label>${say('speed')} <select id="speed">${speedOptions}</select></label>
<button type="button" id="still">${say('still')}</button>
<button type="button" id="sync" aria-pressed="false" data-t-title="syncLabel" title="${escapeHtml(playerTexts.fr.ui.syncLabel)}">${say('sync')}</button>
</div>
<p id="message" role="status" aria-live="polite"></p>
<div id="tiles" class="tiles"></div>
${say('keys', 'p', ' class="hint"')}
</section>
<section aria-labelledby="h-check"><h2 id="h-check" data-t="check">${escapeHtml(playerTexts.fr.ui.check)}</h2>${say('checkHelp', 'p')}
<label class="button">${say('chooseFolder')}<input type="file" id="pick-folder" multiple webkitdirectory></label>
<label class="button">${say('chooseFiles')}<input type="file" id="pick-files" multiple></label>
${say('dropHere', 'div', ' id="drop" tabindex="0"')}
<p id="check-summary" role="status" aria-live="polite"></p>
<table id="check-results" hidden><thead><tr>${say('file', 'th')}${say('expected', 'th')}${say('computed', 'th')}${say('status', 'th')}</tr></thead><tbody id="check-body"></tbody></table>
</section>
</main>
<noscript><p>Ce lecteur a besoin de JavaScript ; les fichiers MP4 du dossier media se lisent aussi avec VLC.</p></noscript>`;
}

function cspHash(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** The whole `player.html` of a package: one file, in French with an English toggle. */
export function renderPlayerHtml(journal: EvidenceJournal): string {
  const script = `\n"use strict";\n${sha256Source}\n${playerScript}\n${checkScript}\n`;
  const policy = [
    "default-src 'none'",
    `script-src ${cspHash(script)}`,
    `style-src ${cspHash(style)}`,
    "media-src 'self' file: blob:",
    'img-src blob: data:',
    "connect-src 'none'",
    "form-action 'none'",
    "base-uri 'none'",
  ].join('; ');
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${policy}">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(`${playerTexts.fr.ui.title} · ${journal.packageId}`)}</title>
<style>${style}</style>
</head>
<body>
${body(journal)}
<script type="application/json" id="vigie-journal">${scriptSafeJson(journal)}</script>
<script type="application/json" id="vigie-texts">${scriptSafeJson(playerTexts)}</script>
<script>${script}</script>
</body>
</html>
`;
}
