// Live capture in a workshop (docs/workshops.md). The page works without this script: the
// form posts and the page comes back with the entry listed. With it, each entry gets an id
// made on the device, goes first into a queue kept in IndexedDB, then to the server through
// the JSON API; when the network drops, entries wait and are sent on `online`, on page load,
// on returning to the tab, every 20 s, and from the "Envoyer maintenant" button. A page
// reloaded offline keeps its queue, and shows the entries already sent, marked so: an entry
// sent is kept on the device (flagged `sent`) until the next day or the logout, because the
// copy of the page the service worker serves offline only lists what was sent before it was
// made. Two tabs of the same workshop send under one Web Lock,
// so an entry is not sent twice (the server's unique id is the final guard anyway).
(function () {
  'use strict';
  var form = document.getElementById('saisie');
  if (!form || !window.indexedDB || !window.fetch || !window.crypto || !crypto.randomUUID) return;

  var api = form.getAttribute('data-api');
  var csrf = form.getAttribute('data-csrf');
  var workshop = form.getAttribute('data-workshop');
  var body = document.getElementById('body');
  var list = document.getElementById('capture-entries');
  var queueBox = document.querySelector('[data-capture-queue]');
  var waiting = document.getElementById('capture-waiting');
  var sendNow = document.getElementById('capture-send-now');
  var channel = window.BroadcastChannel ? new BroadcastChannel('essaim-atelier-' + workshop) : null;
  var sending = false;

  var shortcuts = document.querySelector('[data-shortcuts]');
  if (shortcuts) shortcuts.hidden = false;
  queueBox.hidden = false;

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open('essaim-saisie', 1);
      request.onupgradeneeded = function () {
        var store = request.result.createObjectStore('entries', { keyPath: 'device_id' });
        store.createIndex('workshop', 'workshop');
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  var dbPromise = open();

  function tx(mode, work) {
    return dbPromise.then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction('entries', mode);
        var result = work(t.objectStore('entries'));
        t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
        t.onerror = function () { reject(t.error); };
        t.onabort = function () { reject(t.error); };
      });
    });
  }
  /** Every entry of this workshop kept on the device: waiting ones, and sent ones. */
  function kept() {
    return tx('readonly', function (store) { return store.index('workshop').getAll(workshop); });
  }
  /** The entries still to send. */
  function queued() {
    return kept().then(function (entries) { return entries.filter(function (e) { return !e.sent; }); });
  }
  /** Sent: kept, flagged, so that an offline reload still lists it. */
  function markSent(entry) {
    var copy = Object.assign({}, entry, { sent: true, sent_at: Date.now() });
    return put(copy);
  }
  /** Sent entries older than a day, or all of them (logout), leave the device. */
  function forgetSent(all) {
    var day = 24 * 3600 * 1000;
    return kept().then(function (entries) {
      return tx('readwrite', function (store) {
        entries.forEach(function (e) {
          if (e.sent && (all || Date.now() - (e.sent_at || 0) > day)) store.delete(e.device_id);
        });
      });
    });
  }
  function put(entry) { return tx('readwrite', function (store) { store.put(entry); }); }
  function remove(id) { return tx('readwrite', function (store) { store.delete(id); }); }

  function label(kind) {
    var input = form.querySelector('input[name="kind"][value="' + kind + '"]');
    var l = input && form.querySelector('label[for="' + input.id + '"]');
    return l ? l.textContent : kind;
  }
  function time(iso) {
    var d = new Date(iso + 'Z');
    return String(d.getHours()).padStart(2, '0') + ' h ' + String(d.getMinutes()).padStart(2, '0');
  }

  function item(entry) {
    var li = list.querySelector('[data-entry="' + entry.device_id + '"]');
    if (!li) {
      li = document.createElement('li');
      li.className = 'card';
      li.setAttribute('data-entry', entry.device_id);
      var meta = document.createElement('p');
      meta.className = 'card-meta';
      var text = document.createElement('p');
      text.className = 'capture-text';
      li.appendChild(meta);
      li.appendChild(text);
      list.insertBefore(li, list.firstChild);
      var none = document.querySelector('[data-no-entries]');
      if (none) none.hidden = true;
    }
    return li;
  }
  function show(entry, status, message) {
    var li = item(entry);
    var who = [entry.organisation, entry.territory].filter(Boolean).join(', ');
    li.querySelector('.card-meta').textContent =
      label(entry.kind) + ' · ' + time(entry.captured_at) + (who ? ' · ' + who : '') + ' · ' + status;
    li.querySelector('.capture-text').textContent = entry.body;
    li.setAttribute('data-status', status === 'enregistrée' ? 'sent' : (message ? 'refused' : 'waiting'));
    var note = li.querySelector('.field-error');
    if (message) {
      if (!note) { note = document.createElement('p'); note.className = 'field-error'; li.appendChild(note); }
      note.textContent = message;
    } else if (note) {
      note.remove();
    }
  }

  function count() {
    return queued().then(function (entries) {
      var n = entries.length;
      waiting.textContent = n === 0
        ? 'Toutes les entrées sont envoyées.'
        : (n === 1 ? '1 entrée en attente d\'envoi.' : n + ' entrées en attente d\'envoi.') +
          (navigator.onLine ? '' : ' Pas de réseau : elles partiront à son retour.');
      return entries;
    });
  }

  function sendOne(entry) {
    var payload = {
      device_id: entry.device_id, kind: entry.kind, body: entry.body,
      organisation: entry.organisation || null, territory: entry.territory || null,
      captured_at: entry.captured_at
    };
    return fetch(api, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', 'X-CSRF-Token': csrf, 'Accept': 'application/json' },
      body: JSON.stringify(payload)
    }).then(function (response) {
      if (response.ok) {
        return markSent(entry).then(function () { show(entry, 'enregistrée'); return true; });
      }
      return response.json().catch(function () { return {}; }).then(function (answer) {
        var message = (answer.error && answer.error.message) || 'Envoi refusé.';
        if (response.status === 401) {
          show(entry, 'en attente', 'Session expirée : reconnectez-vous dans un autre onglet, l\'entrée partira ensuite.');
          return false;
        }
        if (response.status === 429 || response.status >= 500) return false;
        // Refused for good (invalid, workshop closed, not yours): kept on screen, out of the queue.
        return remove(entry.device_id).then(function () { show(entry, 'non enregistrée', message); return true; });
      });
    }, function () { return false; });
  }

  function sendAll() {
    return queued().then(function (entries) {
      entries.sort(function (a, b) { return a.captured_at < b.captured_at ? -1 : 1; });
      var chain = Promise.resolve(true);
      entries.forEach(function (entry) {
        chain = chain.then(function (goOn) {
          if (!goOn) return false;
          // Another tab may have sent it meanwhile: only what is still queued goes.
          return tx('readonly', function (store) { return store.get(entry.device_id); }).then(function (still) {
            return still && !still.sent ? sendOne(still) : true;
          });
        });
      });
      return chain;
    });
  }

  var again = false;
  function flush() {
    // One round at a time in this tab; a call during a round asks for one more round.
    if (sending) { again = true; return Promise.resolve(); }
    sending = true;
    again = false;
    var run = function () { return sendAll(); };
    var done = navigator.locks && navigator.locks.request
      ? navigator.locks.request('essaim-saisie-' + workshop, run)
      : run();
    return Promise.resolve(done).catch(function () {}).then(function () {
      sending = false;
      if (channel) channel.postMessage('changed');
      return count();
    }).then(function (entries) {
      if (again && navigator.onLine) return flush();
      return entries;
    });
  }

  form.addEventListener('submit', function (event) {
    var text = body.value.trim();
    if (!text) return; // the server answers with its French message, the text kept
    event.preventDefault();
    var kind = (form.querySelector('input[name="kind"]:checked') || {}).value || 'constat';
    var entry = {
      device_id: crypto.randomUUID(),
      workshop: workshop,
      kind: kind,
      body: text,
      organisation: form.elements.organisation.value.trim(),
      territory: form.elements.territory.value,
      captured_at: new Date().toISOString().replace('Z', '')
    };
    put(entry).then(function () {
      show(entry, 'en attente');
      body.value = '';
      body.focus();
      count();
      flush();
    }, function () {
      // IndexedDB refused (private mode, full disk): the plain form still works.
      form.submit();
    });
  });

  form.addEventListener('keydown', function (event) {
    if (!event.altKey || event.ctrlKey || event.metaKey) return;
    var index = ['1', '2', '3', '4'].indexOf(event.key);
    var kinds = form.querySelectorAll('input[name="kind"]');
    if (index >= 0 && kinds[index]) {
      kinds[index].checked = true;
      event.preventDefault();
    }
  });

  sendNow.addEventListener('click', flush);
  window.addEventListener('online', flush);
  window.addEventListener('offline', count);
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') flush();
  });
  if (channel) {
    // The other tab sent what it could: entries shown here as waiting that left the queue are sent.
    channel.onmessage = function () {
      count().then(function (entries) {
        var still = entries.map(function (e) { return e.device_id; });
        list.querySelectorAll('[data-status="waiting"]').forEach(function (li) {
          if (still.indexOf(li.getAttribute('data-entry')) < 0) {
            li.setAttribute('data-status', 'sent');
            var meta = li.querySelector('.card-meta');
            meta.textContent = meta.textContent.replace(/en attente$/, 'enregistrée');
          }
        });
      });
    };
  }
  setInterval(function () { if (navigator.onLine) flush(); }, 20000);

  // Offline reloads: a service worker serves the page from a copy when the network is down.
  if (navigator.serviceWorker && window.caches) {
    navigator.serviceWorker.register('/ateliers/hors-ligne.js', { scope: '/ateliers/' }).catch(function () {});
    if (navigator.onLine) {
      caches.open('essaim-saisie-v1').then(function (cache) {
        return cache.addAll([location.pathname, '/static/essaim.css', '/static/workshops.js']);
      }).catch(function () {});
    }
    // Logging out forgets the copy (entries still queued stay queued, to be sent later).
    document.querySelectorAll('form[action="/logout"]').forEach(function (logout) {
      logout.addEventListener('submit', function () { caches.delete('essaim-saisie-v1'); forgetSent(true); });
    });
  }

  // Sent and waiting entries both, each marked: a reload offline loses neither from sight.
  forgetSent(false).catch(function () {}).then(kept).then(function (entries) {
    entries.sort(function (a, b) { return a.captured_at < b.captured_at ? -1 : 1; });
    entries.forEach(function (entry) { show(entry, entry.sent ? 'enregistrée' : 'en attente'); });
  }).then(flush);
})();
