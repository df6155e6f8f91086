// The player page's hash check, as source text: the user picks the package folder or files (two
// inputs, or drag and drop of a folder), the page computes their SHA-256 in the browser (crypto.subtle,
// or the streaming fallback of exports.player.sha256.ts for big files) and compares them with the
// journal's hashes and, when manifest.sha256 is among the files, with every line of the manifest.
// The picked MP4s then play from blob URLs (a page opened from disk may copy their pictures: stills).
export const checkScript = String.raw`
(function () {
  var player = window.vigiePlayer, t = player.t;
  var subtleLimit = 1024 * 1024 * 1024, slice = 8 * 1024 * 1024;
  var results = [], notes = [], busy = false;

  function hex(buffer) {
    return Array.prototype.map.call(new Uint8Array(buffer), function (b) { return b.toString(16).padStart(2, '0'); }).join('');
  }
  function readSlice(blob) {
    if (blob.arrayBuffer) return blob.arrayBuffer();
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(blob);
    });
  }
  function hashFile(file) {
    var subtle = window.crypto && window.crypto.subtle;
    if (subtle && file.size <= subtleLimit) return readSlice(file).then(function (buffer) { return subtle.digest('SHA-256', buffer); }).then(hex);
    if (!subtle && notes.indexOf('noCrypto') < 0) notes.push('noCrypto');
    var hash = new Sha256(), offset = 0;
    function next() {
      if (offset >= file.size) return Promise.resolve(hash.hex());
      var part = file.slice(offset, offset + slice);
      offset += slice;
      return readSlice(part).then(function (buffer) { hash.update(new Uint8Array(buffer)); return next(); });
    }
    return next();
  }
  function matches(path, expected) {
    var base = expected.split('/').pop();
    return path === expected || path.slice(-expected.length - 1) === '/' + expected || (path.indexOf('/') < 0 && path === base);
  }
  function find(files, expected) { return files.filter(function (entry) { return matches(entry.path, expected); })[0]; }
  function parseManifest(textValue) {
    var lines = [];
    textValue.split(/\r?\n/).forEach(function (line) {
      var m = /^([0-9a-f]{64}) [ *](.+)$/.exec(line.trim());
      if (m) lines.push({ path: m[2], sha256: m[1] });
    });
    return lines;
  }
  function readText(file) { return readSlice(file).then(function (buffer) { return new TextDecoder('utf-8').decode(buffer); }); }

  function check(files) {
    if (busy || !files.length) return Promise.resolve();
    busy = true;
    results = [];
    notes = [];
    var expected = journalEntries();
    var manifestFile = find(files, 'manifest.sha256'), journalFile = find(files, 'journal.json');
    var ready = Promise.resolve();
    if (manifestFile) {
      ready = readText(manifestFile.file).then(function (textValue) {
        var agree = true;
        parseManifest(textValue).forEach(function (line) {
          var known = expected.filter(function (entry) { return entry.path === line.path; })[0];
          if (known) {
            if (known.sha256 !== line.sha256) { agree = false; known.conflict = true; }
          } else expected.push({ path: line.path, sha256: line.sha256 });
        });
        notes.push(agree ? 'manifestAgrees' : 'manifestDisagrees');
      });
    }
    if (journalFile) {
      ready = ready.then(function () { return readText(journalFile.file); }).then(function (textValue) {
        var same = false;
        try { same = JSON.stringify(JSON.parse(textValue)) === JSON.stringify(journal); } catch (error) { same = false; }
        notes.push(same ? 'journalSame' : 'journalDiffers');
      });
    }
    var blobs = {};
    return ready.then(function () {
      results = expected.map(function (entry) { return { path: entry.path, expected: entry.sha256, computed: '', status: 'computing', conflict: entry.conflict }; });
      render();
      return results.reduce(function (chain, result) {
        return chain.then(function () {
          var found = find(files, result.path);
          if (!found) { result.status = 'missing'; render(); return; }
          return hashFile(found.file).then(function (digest) {
            result.computed = digest;
            result.status = digest === result.expected && !result.conflict ? 'ok' : 'different';
            player.items.forEach(function (entry) { if (entry.item.file === result.path) blobs[entry.index] = URL.createObjectURL(found.file); });
            render();
          });
        });
      }, Promise.resolve());
    }).then(function () {
      player.useSelectedMedia(blobs);
    }).finally(function () { busy = false; render(); });
  }
  function journalEntries() {
    return player.items.map(function (entry) { return { path: entry.item.file, sha256: entry.item.sha256 }; });
  }

  function render() {
    var body = document.getElementById('check-body'), summary = document.getElementById('check-summary');
    body.textContent = '';
    results.forEach(function (result) {
      var row = document.createElement('tr');
      row.setAttribute('data-file', result.path);
      row.setAttribute('data-status', result.status);
      [result.path, result.expected, result.computed, t(result.status)].forEach(function (value, index) {
        var cell = document.createElement('td');
        if (index === 1 || index === 2) { var code = document.createElement('code'); code.className = 'hash'; code.textContent = value; cell.appendChild(code); }
        else cell.textContent = value;
        if (index === 3) cell.className = 'status-' + result.status;
        row.appendChild(cell);
      });
      body.appendChild(row);
    });
    document.getElementById('check-results').hidden = !results.length;
    var done = results.filter(function (r) { return r.status !== 'computing'; });
    var different = results.filter(function (r) { return r.status === 'different'; }).length;
    var missing = results.filter(function (r) { return r.status === 'missing'; }).length;
    var line = '';
    if (results.length && done.length === results.length) line = different || missing ? t('summaryBad', { different: different, missing: missing, count: results.length }) : t('summaryOk', { count: results.length });
    summary.textContent = [line].concat(notes.map(function (note) { return t(note); })).filter(Boolean).join(' · ');
    summary.setAttribute('data-outcome', !line ? '' : different || missing ? 'bad' : 'ok');
  }

  function fromInput(input) {
    var files = Array.prototype.map.call(input.files, function (file) { return { file: file, path: file.webkitRelativePath || file.name }; });
    check(files).then(function () { input.value = ''; });
  }
  function readEntry(entry, out) {
    if (entry.isFile) return new Promise(function (resolve) { entry.file(function (file) { out.push({ file: file, path: entry.fullPath.replace(/^\/+/, '') }); resolve(); }, function () { resolve(); }); });
    if (!entry.isDirectory) return Promise.resolve();
    var reader = entry.createReader();
    function more() {
      return new Promise(function (resolve) { reader.readEntries(resolve, function () { resolve([]); }); }).then(function (entries) {
        if (!entries.length) return;
        return Promise.all(entries.map(function (child) { return readEntry(child, out); })).then(more);
      });
    }
    return more();
  }
  function onDrop(event) {
    event.preventDefault();
    zone.classList.remove('over');
    var list = event.dataTransfer.items, out = [];
    var entries = list ? Array.prototype.map.call(list, function (item) { return item.webkitGetAsEntry ? item.webkitGetAsEntry() : null; }).filter(Boolean) : [];
    if (!entries.length) {
      Array.prototype.forEach.call(event.dataTransfer.files, function (file) { out.push({ file: file, path: file.name }); });
      return check(out);
    }
    return Promise.all(entries.map(function (entry) { return readEntry(entry, out); })).then(function () { return check(out); });
  }
  var zone = document.getElementById('drop');
  document.getElementById('pick-folder').addEventListener('change', function (event) { fromInput(event.target); });
  document.getElementById('pick-files').addEventListener('change', function (event) { fromInput(event.target); });
  zone.addEventListener('dragover', function (event) { event.preventDefault(); zone.classList.add('over'); });
  zone.addEventListener('dragleave', function () { zone.classList.remove('over'); });
  zone.addEventListener('drop', onDrop);
  window.vigieCheck = { render: render, check: check };
})();
`;
