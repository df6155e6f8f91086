// The player page's script, as source text (plain ES2017, no modules, no network): references and
// extracts from the embedded journal, the tiles (one, or the synchronised view: the selected
// extract is the master clock, the overlapping ones follow it on wall-clock time), speeds, reverse
// by stepping backwards on a timer, frame by frame, timelines with gaps, stills and the language
// toggle. The hash check is in exports.player.check.ts. No `//` anywhere in it (see the tests).
export const playerScript = String.raw`
var journal = JSON.parse(document.getElementById('vigie-journal').textContent);
var texts = JSON.parse(document.getElementById('vigie-texts').textContent);
var lang = 'fr';
var speeds = [0.125, 0.25, 0.5, 1, 2, 4, 8, 16];
var state = { master: 0, sync: false, playing: false, reverse: false, speed: 3, tiles: [], blobs: {}, timer: 0 };
var byId = function (id) { return document.getElementById(id); };
var items = journal.items.map(function (item, index) {
  var start = Date.parse(item.imageStart), end = Date.parse(item.imageEnd);
  var gaps = item.gaps.map(function (gap) { return { from: Date.parse(gap.from), to: Date.parse(gap.to), reason: gap.reason }; });
  var low = Math.min(start, Date.parse(item.requestedFrom)), high = Math.max(end, Date.parse(item.requestedTo));
  gaps.forEach(function (gap) { low = Math.min(low, gap.from); high = Math.max(high, gap.to); });
  var inner = gaps.filter(function (gap) { return gap.from >= start && gap.to <= end; }).sort(function (a, b) { return a.from - b.from; });
  return { index: index, item: item, start: start, end: end, gaps: gaps, inner: inner, low: low, high: Math.max(high, low + 1000) };
});
/* The MP4 holds the recorded pictures end to end (ffmpeg's concat of the archive segments): a gap
   inside the range takes no media time, the clock jumps over it. Media seconds <-> wall-clock ms. */
function mediaToWall(entry, seconds) {
  var wall = entry.start + seconds * 1000;
  entry.inner.forEach(function (gap) { if (gap.from <= wall) wall += gap.to - gap.from; });
  return wall;
}
function wallToMedia(entry, wall) {
  var ms = wall - entry.start;
  entry.inner.forEach(function (gap) { if (wall >= gap.to) ms -= gap.to - gap.from; else if (wall > gap.from) ms -= wall - gap.from; });
  return ms / 1000;
}

function t(key, values) {
  var s = texts[lang].ui[key] || key;
  Object.keys(values || {}).forEach(function (name) { s = s.split('{' + name + '}').join(String(values[name])); });
  return s;
}
function el(tag, attributes, children) {
  var node = document.createElement(tag);
  Object.keys(attributes || {}).forEach(function (name) {
    if (name === 'text') node.textContent = attributes[name];
    else if (name === 'class') node.className = attributes[name];
    else if (name === 'style') node.style.cssText = attributes[name];
    else node.setAttribute(name, attributes[name]);
  });
  (children || []).forEach(function (child) { if (child) node.appendChild(typeof child === 'string' ? document.createTextNode(child) : child); });
  return node;
}
var formats = {};
function formatter(key, options) {
  var id = lang + key;
  if (!formats[id]) formats[id] = new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', Object.assign({ timeZone: 'Europe/Paris', hourCycle: 'h23' }, options));
  return formats[id];
}
function paris(ms, withMillis) {
  var rounded = Math.round(ms);
  var s = formatter('full', { year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(rounded));
  if (withMillis) s += (lang === 'fr' ? ',' : '.') + String(((rounded % 1000) + 1000) % 1000).padStart(3, '0');
  return s;
}
function parisClock(ms, withSeconds) {
  return formatter(withSeconds ? 'clockSeconds' : 'clock', withSeconds ? { hour: '2-digit', minute: '2-digit', second: '2-digit' } : { hour: '2-digit', minute: '2-digit' }).format(new Date(ms));
}
function duration(seconds) {
  var total = Math.round(seconds), h = Math.floor(total / 3600), m = Math.floor((total % 3600) / 60), s = total % 60;
  return (h ? h + ' h ' : '') + (h || m ? String(m).padStart(2, '0') + ' min ' + String(s).padStart(2, '0') : String(s)) + ' s';
}
function gapWords(reason) {
  var code = reason.split(':')[0].trim();
  return texts[lang].gaps[code] || reason;
}
function cameraLabel(item) { return [item.cameraNumber, item.cameraName, item.cameraId].filter(Boolean).join(' · '); }
function codecName(codec) {
  var c = codec.toLowerCase();
  if (/^(h264|avc|avc1)$/.test(c)) return 'H.264';
  if (/^(h265|hevc|hvc1|hev1)$/.test(c)) return 'H.265';
  return codec;
}
function codecMime(codec) {
  var name = codecName(codec);
  if (name === 'H.264') return 'video/mp4; codecs="avc1.42E01E"';
  if (name === 'H.265') return 'video/mp4; codecs="hvc1.1.6.L93.B0"';
  return null;
}
function safePath(path) {
  if (!/^[A-Za-z0-9._\-\/]+$/.test(path)) return null;
  var parts = path.split('/');
  if (parts.some(function (part) { return part === '' || part === '.' || part === '..'; })) return null;
  return parts.map(encodeURIComponent).join('/');
}
function say(text) { byId('message').textContent = text; }

function renderReferences() {
  var r = journal.requisition, list = byId('references');
  list.textContent = '';
  var rows = [
    ['package', journal.packageId],
    ['installation', journal.installation.name + ' (Vigie ' + journal.installation.version + ')'],
    ['createdAt', paris(Date.parse(journal.createdAt)) + ' (Europe/Paris) · ' + journal.createdAt + ' (UTC)'],
    ['exporter', journal.exporter.name + ' (' + (texts[lang].roles[journal.exporter.role] || journal.exporter.role) + (journal.exporter.service ? ', ' + journal.exporter.service : '') + ')'],
  ];
  if (r) {
    rows.push(['procedure', r.procedureNumber]);
    rows.push(['framework', texts[lang].frameworks[r.legalFramework] || r.legalFramework]);
    rows.push(['officer', [r.officerRank, r.officerName].filter(Boolean).join(' ') + ', ' + r.officerUnit]);
    rows.push(['requisitionDate', paris(Date.parse(r.requisitionDate)) + ' (Europe/Paris) · ' + (texts[lang].channels[r.channel] || r.channel)]);
  } else rows.push(['procedure', t('noRequisition')]);
  rows.forEach(function (row) { list.appendChild(el('dt', { text: t(row[0]) })); list.appendChild(el('dd', { text: row[1] })); });
}

function renderItems() {
  var body = byId('items-body');
  body.textContent = '';
  items.forEach(function (entry) {
    var item = entry.item, place = item.location;
    var button = el('button', { type: 'button', class: 'play-item', 'aria-label': t('playItem') + ' : ' + cameraLabel(item), text: t('play') });
    button.addEventListener('click', function () { selectMaster(entry.index); });
    var video = codecName(item.codec) + ' ' + item.width + '×' + item.height + ' ' + item.fps + ' im/s · ' + item.frames + ' im · ' + (item.masked || item.reencoded ? t('maskedYes') : t('streamCopy'));
    body.appendChild(el('tr', { 'data-item': String(entry.index), class: entry.index === state.master ? 'current' : '' }, [
      el('td', {}, [button]),
      el('td', { text: cameraLabel(item) }),
      el('td', { text: [place.communeName, place.siteName, place.address].filter(Boolean).join(', ') }),
      el('td', { text: paris(entry.start) + ' → ' + paris(entry.end) }),
      el('td', { text: duration(item.durationSeconds) + (item.gaps.length ? ' · ' + item.gaps.length + ' ' + t('gapsCount') : '') }),
      el('td', { text: video }),
      el('td', {}, [el('span', { text: item.file }), el('br'), el('code', { class: 'hash', text: item.sha256 })]),
    ]));
  });
}

function overlapping(master) {
  var m = items[master];
  return items.filter(function (other) { return other.index !== master && other.start < m.end && other.end > m.start; });
}
function position(entry, ms) { return Math.max(0, Math.min(100, ((ms - entry.low) / (entry.high - entry.low)) * 100)); }
function tickStep(span) {
  var minute = 60000;
  if (span <= 2 * minute) return 10000;
  if (span <= 15 * minute) return minute;
  if (span <= 2 * 3600000) return 10 * minute;
  if (span <= 12 * 3600000) return 3600000;
  return 3 * 3600000;
}
function buildTimeline(tile) {
  var entry = tile.entry;
  var bar = el('div', { class: 'timeline', role: 'slider', tabindex: '0', 'aria-valuemin': '0', 'aria-valuemax': String(Math.round(entry.item.durationSeconds)), 'data-t-label': 'timeline' });
  bar.appendChild(el('div', { class: 'recorded', style: 'left:' + position(entry, entry.start) + '%;width:' + (position(entry, entry.end) - position(entry, entry.start)) + '%' }));
  entry.gaps.forEach(function (gap) {
    var left = position(entry, gap.from), gapNode = el('div', { class: 'gap', style: 'left:' + left + '%;width:' + Math.max(0.3, position(entry, gap.to) - left) + '%' });
    gapNode.title = paris(gap.from) + ' → ' + paris(gap.to) + ' : ' + gapWords(gap.reason);
    bar.appendChild(gapNode);
  });
  var step = tickStep(entry.high - entry.low);
  for (var tick = Math.ceil(entry.low / step) * step; tick <= entry.high; tick += step) {
    bar.appendChild(el('span', { class: 'tick', style: 'left:' + position(entry, tick) + '%', text: parisClock(tick, step < 60000) }));
  }
  tile.cursor = el('div', { class: 'cursor' });
  tile.bar = bar;
  bar.appendChild(tile.cursor);
  bar.addEventListener('click', function (event) {
    var box = bar.getBoundingClientRect();
    seekWall(entry.low + ((event.clientX - box.left) / box.width) * (entry.high - entry.low));
  });
  return bar;
}

function videoSource(entry) { return state.blobs[entry.index] || safePath(entry.item.file); }
function buildTile(entry, role) {
  var item = entry.item, video = el('video', { preload: 'auto', playsinline: '', 'aria-label': cameraLabel(item) });
  video.muted = true;
  var tile = { entry: entry, role: role, video: video, message: el('p', { class: 'tile-message', hidden: '' }) };
  tile.camera = el('span', { class: 'overlay-camera', text: cameraLabel(item) });
  tile.time = el('span', { class: 'overlay-time' });
  tile.noImage = el('div', { class: 'no-image', hidden: '' });
  tile.node = el('figure', { class: 'tile', 'data-role': role, 'data-item': String(entry.index) }, [
    el('div', { class: 'screen' }, [video, el('div', { class: 'overlay' }, [tile.camera, tile.time]), tile.noImage]),
    tile.message,
    buildTimeline(tile),
  ]);
  var mime = codecMime(item.codec);
  var problem = function (key) { tile.message.hidden = false; tile.message.textContent = t(key, { codec: codecName(item.codec), file: item.file }); tile.node.setAttribute('data-problem', key); };
  if (mime && video.canPlayType(mime) === '') problem('codecUnsupported');
  video.addEventListener('error', function () {
    var code = video.error ? video.error.code : 0;
    problem(code === 3 || (mime && video.canPlayType(mime) === '') ? 'codecUnsupported' : 'fileMissing');
  });
  video.addEventListener('loadeddata', function () { if (tile.node.getAttribute('data-problem') === 'fileMissing') { tile.message.hidden = true; tile.node.removeAttribute('data-problem'); } });
  var source = videoSource(entry);
  if (source) video.src = source;
  else problem('fileMissing');
  return tile;
}
function buildTiles() {
  stopReverse();
  state.tiles.forEach(function (tile) { tile.video.pause(); tile.video.removeAttribute('src'); tile.video.load(); });
  var holder = byId('tiles');
  holder.textContent = '';
  var followers = state.sync ? overlapping(state.master) : [];
  state.tiles = [buildTile(items[state.master], 'master')].concat(followers.map(function (entry) { return buildTile(entry, 'follower'); }));
  state.tiles.forEach(function (tile) { holder.appendChild(tile.node); });
  holder.className = state.tiles.length > 1 ? 'tiles many' : 'tiles';
  if (state.sync && !followers.length) say(t('syncNone'));
  state.playing = false;
  renderButtons();
}
function master() { return state.tiles[0]; }
function wallOf(tile) { return mediaToWall(tile.entry, tile.video.currentTime); }
function inGap(entry, ms) { return entry.gaps.filter(function (gap) { return ms >= gap.from && ms < gap.to; })[0]; }
function selectMaster(index) {
  state.master = index;
  buildTiles();
  renderItems();
  byId('player').scrollIntoView({ block: 'nearest' });
}

function rate() { return speeds[state.speed]; }
function stopReverse() { if (state.timer) clearInterval(state.timer); state.timer = 0; }
function play() {
  var m = master();
  state.playing = true;
  if (state.reverse) {
    m.video.pause();
    var target = m.video.currentTime, last = performance.now();
    stopReverse();
    state.timer = setInterval(function () {
      var now = performance.now();
      target -= ((now - last) / 1000) * rate();
      last = now;
      if (target <= 0) { target = 0; pause(); }
      if (!m.video.seeking || !state.playing) m.video.currentTime = target;
    }, 40);
  } else {
    m.video.playbackRate = rate();
    var started = m.video.play();
    if (started && started.catch) started.catch(function () { state.playing = false; renderButtons(); });
  }
  renderButtons();
}
function pause() {
  stopReverse();
  state.playing = false;
  state.tiles.forEach(function (tile) { tile.video.pause(); });
  renderButtons();
}
function toggle() { if (state.playing) pause(); else play(); }
function seekWall(ms) {
  var m = master(), seconds = wallToMedia(m.entry, ms);
  m.video.currentTime = Math.max(0, Math.min(seconds, m.video.duration || m.entry.item.durationSeconds));
}
function stepFrame(direction) {
  pause();
  var m = master(), fps = m.entry.item.fps || 25, limit = m.video.duration || m.entry.item.durationSeconds;
  m.video.currentTime = Math.max(0, Math.min(limit, m.video.currentTime + direction / fps));
}
function setSpeed(index) {
  state.speed = Math.max(0, Math.min(speeds.length - 1, index));
  byId('speed').value = String(state.speed);
  if (state.playing && !state.reverse) master().video.playbackRate = rate();
}
function setReverse(reverse) {
  var wasPlaying = state.playing;
  pause();
  state.reverse = reverse;
  if (wasPlaying) play();
  renderButtons();
}
function renderButtons() {
  var button = byId('play');
  button.textContent = state.playing ? '❚❚ ' + t('playing') : '▶ ' + t('paused');
  button.setAttribute('aria-pressed', state.playing ? 'true' : 'false');
  byId('reverse').setAttribute('aria-pressed', state.reverse ? 'true' : 'false');
  byId('sync').setAttribute('aria-pressed', state.sync ? 'true' : 'false');
}

function follow(tile, wall, m) {
  var entry = tile.entry, video = tile.video, wanted = wallToMedia(entry, wall);
  var gap = inGap(entry, wall);
  var outside = wall < entry.start || wall > entry.end || !!gap;
  tile.noImage.hidden = !outside;
  tile.noImage.textContent = t('noImage') + (gap ? ' (' + gapWords(gap.reason) + ')' : '');
  tile.time.textContent = paris(outside ? wall : wallOf(tile), true);
  if (outside) { if (!video.paused) video.pause(); return; }
  var forward = state.playing && !state.reverse && !m.video.paused;
  if (forward) {
    if (video.playbackRate !== m.video.playbackRate) video.playbackRate = m.video.playbackRate;
    if (Math.abs(video.currentTime - wanted) > 0.3 && !video.seeking) video.currentTime = wanted;
    if (video.paused) video.play().catch(function () {});
  } else {
    if (!video.paused) video.pause();
    if (Math.abs(video.currentTime - wanted) > 0.5 / (entry.item.fps || 25) && !video.seeking) video.currentTime = wanted;
  }
}
function refresh() {
  var m = master();
  if (m) {
    var wall = wallOf(m), gap = inGap(m.entry, wall);
    m.time.textContent = paris(wall, true);
    m.noImage.hidden = !gap;
    m.noImage.textContent = gap ? t('noImage') + ' (' + gapWords(gap.reason) + ')' : '';
    if (state.playing && !state.reverse && m.video.ended) pause();
    state.tiles.forEach(function (tile) {
      if (tile !== m) follow(tile, wall, m);
      var ownWall = tile === m ? wall : Math.max(tile.entry.low, Math.min(tile.entry.high, wall));
      tile.cursor.style.left = position(tile.entry, ownWall) + '%';
      var second = String(Math.floor(tile.video.currentTime));
      if (tile.bar.getAttribute('aria-valuenow') !== second) {
        tile.bar.setAttribute('aria-valuenow', second);
        tile.bar.setAttribute('aria-valuetext', paris(ownWall));
      }
    });
  }
  requestAnimationFrame(refresh);
}

function compactUtc(ms) { return new Date(Math.round(ms)).toISOString().replace(/[-:.]/g, ''); }
function saveStill(tile) {
  var video = tile.video, item = tile.entry.item, wall = wallOf(tile);
  if (!video.videoWidth) return;
  var canvas = document.createElement('canvas'), width = video.videoWidth, height = video.videoHeight;
  var band = Math.max(28, Math.round(height * 0.09));
  canvas.width = width;
  canvas.height = height + band;
  var g = canvas.getContext('2d');
  g.fillStyle = '#000';
  g.fillRect(0, 0, canvas.width, canvas.height);
  g.drawImage(video, 0, 0, width, height);
  g.fillStyle = '#fff';
  g.textBaseline = 'top';
  var size = Math.max(10, Math.round(band / 2.6));
  g.font = 'bold ' + size + 'px sans-serif';
  g.fillText(cameraLabel(item), 6, height + 3, width - 12);
  g.font = size + 'px sans-serif';
  g.fillText(paris(wall, true) + ' (Europe/Paris) · ' + new Date(Math.round(wall)).toISOString() + ' (UTC)', 6, height + 5 + size, width - 12);
  var name = 'image-' + String(item.cameraNumber || item.cameraId).replace(/[^A-Za-z0-9-]/g, '_') + '-' + compactUtc(wall) + '.png';
  try {
    canvas.toBlob(function (blob) {
      if (!blob) return say(t('stillNeedsFiles'));
      var link = el('a', { download: name, href: URL.createObjectURL(blob), hidden: '' });
      document.body.appendChild(link);
      link.click();
      say(t('stillSaved', { name: name }));
      setTimeout(function () { URL.revokeObjectURL(link.href); link.remove(); }, 60000);
    }, 'image/png');
  } catch (error) {
    say(t('stillNeedsFiles'));
  }
}

function useSelectedMedia(blobs) {
  Object.keys(state.blobs).forEach(function (key) { URL.revokeObjectURL(state.blobs[key]); });
  state.blobs = blobs;
  state.tiles.forEach(function (tile) {
    var url = blobs[tile.entry.index];
    if (!url) return;
    var at = tile.video.currentTime;
    tile.video.addEventListener('loadedmetadata', function () { tile.video.currentTime = at; }, { once: true });
    tile.video.src = url;
  });
}

function applyTexts() {
  document.documentElement.lang = lang;
  byId('language').lang = lang === 'fr' ? 'en' : 'fr';
  document.title = t('title') + ' · ' + journal.packageId;
  Array.prototype.forEach.call(document.querySelectorAll('[data-t]'), function (node) { node.textContent = t(node.getAttribute('data-t')); });
  Array.prototype.forEach.call(document.querySelectorAll('[data-t-label]'), function (node) {
    node.setAttribute('aria-label', t(node.getAttribute('data-t-label')));
    node.title = t(node.getAttribute('data-t-label'));
  });
  Array.prototype.forEach.call(document.querySelectorAll('[data-t-title]'), function (node) { node.title = t(node.getAttribute('data-t-title')); });
  renderReferences();
  renderItems();
  renderButtons();
  if (window.vigieCheck) window.vigieCheck.render();
}

function onKey(event) {
  var tag = (event.target && event.target.tagName) || '';
  if (/^(INPUT|SELECT|TEXTAREA)$/.test(tag) || event.ctrlKey || event.metaKey || event.altKey) return;
  var m = master();
  if (event.key === ' ' && /^(BUTTON|A|SUMMARY)$/.test(tag)) return;
  var handled = true;
  if (event.key === ' ' || event.key === 'k') toggle();
  else if (event.key === ',') stepFrame(-1);
  else if (event.key === '.') stepFrame(1);
  else if (event.key === 'ArrowLeft') seekWall(wallOf(m) - (event.shiftKey ? 60000 : 5000));
  else if (event.key === 'ArrowRight') seekWall(wallOf(m) + (event.shiftKey ? 60000 : 5000));
  else if (event.key === 'ArrowUp') setSpeed(state.speed + 1);
  else if (event.key === 'ArrowDown') setSpeed(state.speed - 1);
  else handled = false;
  if (handled) event.preventDefault();
}

byId('language').addEventListener('click', function () { lang = lang === 'fr' ? 'en' : 'fr'; applyTexts(); });
byId('play').addEventListener('click', toggle);
byId('frame-back').addEventListener('click', function () { stepFrame(-1); });
byId('frame-forward').addEventListener('click', function () { stepFrame(1); });
byId('reverse').addEventListener('click', function () { setReverse(!state.reverse); });
byId('speed').addEventListener('change', function () { setSpeed(Number(byId('speed').value)); });
byId('still').addEventListener('click', function () { saveStill(master()); });
byId('sync').addEventListener('click', function () { state.sync = !state.sync; say(''); buildTiles(); });
document.addEventListener('keydown', onKey);
window.vigiePlayer = { items: items, state: state, useSelectedMedia: useSelectedMedia, t: t, say: say };
buildTiles();
applyTexts();
requestAnimationFrame(refresh);
`;
