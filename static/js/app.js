/* Progressive enhancement: every page works without this file.
 * It registers the service worker, offers "Save for offline", shows when a page came from the
 * device ("Saved 3 days ago"), lists saved pages, offers install, and the update prompt. */
(function () {
  'use strict';
  var root = document.documentElement;
  var strings = document.getElementById('pwa-strings');
  var lang = root.getAttribute('data-locale') || root.lang || 'ja';
  var SAVED = 'saved';

  function text(name) { return strings ? strings.getAttribute('data-' + name) || '' : ''; }
  function show(el) { if (el) el.hidden = false; }

  /* "3 days ago" in the reader's language, by the browser's own translations. */
  function ago(iso) {
    var then = new Date(iso);
    if (isNaN(then)) return '';
    var seconds = Math.round((then - Date.now()) / 1000);
    var units = [['year', 31536000], ['month', 2592000], ['day', 86400], ['hour', 3600], ['minute', 60]];
    var intlLang = lang === 'ja-easy' ? 'ja' : lang;
    try {
      var format = new Intl.RelativeTimeFormat(intlLang, { numeric: 'auto' });
      for (var i = 0; i < units.length; i += 1) {
        if (Math.abs(seconds) >= units[i][1]) return format.format(Math.round(seconds / units[i][1]), units[i][0]);
      }
      return format.format(0, 'minute');
    } catch (e) {
      return then.toLocaleString(intlLang);
    }
  }

  /* Time-limited items (notices) never show as current once they expire, even on a saved copy:
   * list items disappear; a notice's own page says it has ended. */
  function hideExpired() {
    var now = Date.now();
    document.querySelectorAll('[data-expires-at]').forEach(function (el) {
      var end = Date.parse(el.getAttribute('data-expires-at'));
      if (isNaN(end) || end > now) return;
      if (el.classList.contains('expirable')) {
        el.querySelectorAll('.while-current').forEach(function (part) { part.hidden = true; });
        el.querySelectorAll('.after-expiry').forEach(function (part) { part.hidden = false; });
      } else {
        el.hidden = true;
      }
    });
  }

  function showSavedNotice() {
    if (root.getAttribute('data-cache-state') !== 'cached') return;
    var notice = document.getElementById('saved-notice');
    if (!notice) return;
    var savedAt = root.getAttribute('data-saved-at');
    notice.querySelector('[data-when]').textContent = ago(savedAt);
    var time = notice.querySelector('time');
    if (time) time.setAttribute('datetime', savedAt);
    show(notice);
  }

  function savedKey() { return location.pathname + location.search; }

  function setupSaveButton() {
    var button = document.getElementById('save-offline');
    if (!button || !('caches' in window)) return;
    function render(saved) {
      button.textContent = saved ? text('remove-saved') : text('save');
      button.setAttribute('aria-pressed', saved ? 'true' : 'false');
    }
    caches.open(SAVED).then(function (cache) { return cache.match(savedKey()); }).then(function (hit) { render(!!hit); });
    button.addEventListener('click', function () {
      caches.open(SAVED).then(function (cache) {
        return cache.match(savedKey()).then(function (hit) {
          if (hit) return cache.delete(savedKey()).then(function () { render(false); announce(text('removed')); });
          return fetch(savedKey(), { credentials: 'same-origin' }).then(function (response) {
            if (!response.ok) throw new Error('not saved');
            return response.blob().then(function (body) {
              var headers = new Headers(response.headers);
              headers.set('X-Saved-At', new Date().toISOString());
              headers.set('X-Saved-Title', encodeURIComponent(document.title));
              return cache.put(savedKey(), new Response(body, { status: 200, headers: headers }));
            });
          }).then(function () { render(true); announce(text('saved-done')); });
        });
      }).catch(function () { announce(text('save-failed')); });
    });
    show(button);
  }

  function announce(message) {
    var live = document.getElementById('pwa-status');
    if (live) live.textContent = message;
  }

  /* The "Saved" screen and the offline page list what this device has kept. */
  function renderSavedList() {
    var list = document.getElementById('saved-list');
    if (!list || !('caches' in window)) return;
    var empty = document.getElementById('saved-empty');
    caches.open(SAVED).then(function (cache) {
      return cache.keys().then(function (requests) {
        return Promise.all(requests.map(function (request) {
          return cache.match(request).then(function (response) { return { request: request, response: response }; });
        }));
      });
    }).then(function (entries) {
      list.textContent = '';
      entries.forEach(function (entry) {
        var url = new URL(entry.request.url);
        var title = decodeURIComponent(entry.response.headers.get('X-Saved-Title') || '') || url.pathname;
        var item = document.createElement('li');
        var link = document.createElement('a');
        link.href = url.pathname + url.search;
        link.textContent = title;
        item.appendChild(link);
        var savedAt = entry.response.headers.get('X-Saved-At');
        if (savedAt) {
          var when = document.createElement('span');
          when.className = 'note';
          when.textContent = ' · ' + ago(savedAt);
          item.appendChild(when);
        }
        if (list.hasAttribute('data-removable')) {
          var remove = document.createElement('button');
          remove.type = 'button';
          remove.className = 'remove-saved';
          remove.textContent = text('remove');
          remove.setAttribute('aria-label', text('remove') + ': ' + title);
          remove.addEventListener('click', function () {
            caches.open(SAVED).then(function (cache) { return cache.delete(entry.request); }).then(function () {
              item.remove();
              announce(text('removed'));
              if (!list.children.length) show(empty);
            });
          });
          item.appendChild(remove);
        }
        list.appendChild(item);
      });
      if (empty) empty.hidden = entries.length > 0;
      show(list.closest('[data-needs-js]'));
    });
  }

  function setupInstall() {
    var buttons = document.querySelectorAll('#install-app, [data-install-proxy]');
    if (!buttons.length) return;
    var deferred = null;
    window.addEventListener('beforeinstallprompt', function (event) {
      event.preventDefault();
      deferred = event;
      root.setAttribute('data-installable', 'true');
      buttons.forEach(show);
    });
    buttons.forEach(function (button) {
      button.addEventListener('click', function () {
        if (!deferred) return;
        deferred.prompt();
        deferred.userChoice.then(function () {
          deferred = null;
          buttons.forEach(function (b) { b.hidden = true; });
        });
      });
    });
  }

  function setupServiceWorker() {
    if (!('serviceWorker' in navigator)) return;
    navigator.serviceWorker.register('/sw.js').then(function (registration) {
      function offerUpdate(worker) {
        var banner = document.getElementById('update-banner');
        if (!banner || !worker) return;
        show(banner);
        banner.querySelector('button').addEventListener('click', function () {
          worker.postMessage({ type: 'SKIP_WAITING' });
        });
      }
      if (registration.waiting && navigator.serviceWorker.controller) offerUpdate(registration.waiting);
      registration.addEventListener('updatefound', function () {
        var installing = registration.installing;
        installing.addEventListener('statechange', function () {
          // Only an update (a page already controlled) asks; a first install needs no prompt.
          if (installing.state === 'installed' && navigator.serviceWorker.controller) offerUpdate(installing);
        });
      });
      navigator.serviceWorker.ready.then(function (ready) {
        if (ready.active) ready.active.postMessage({ type: 'CACHE_EMERGENCY', locale: lang });
      });
    });
    var reloading = false;
    navigator.serviceWorker.addEventListener('controllerchange', function () {
      // Reload only when the reader asked for the update (first install also changes controller).
      if (reloading || !document.getElementById('update-banner') || document.getElementById('update-banner').hidden) return;
      reloading = true;
      location.reload();
    });
  }

  /* Browsers drop push subscriptions silently: once per visit, check ours and renew it. */
  function renewPushSubscription() {
    var prefs = null;
    try { prefs = JSON.parse(localStorage.getItem('push-prefs') || 'null'); } catch (e) { prefs = null; }
    if (!prefs || !('PushManager' in window) || !('Notification' in window) || Notification.permission !== 'granted') return;
    if (sessionStorage.getItem('push-renewed')) return;
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        if (existing) return existing;
        return fetch('/api/v1/push/vapid-public-key').then(function (r) { return r.json(); }).then(function (key) {
          var padded = (key.public_key + '===='.slice(key.public_key.length % 4 || 4)).replace(/-/g, '+').replace(/_/g, '/');
          var bytes = Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
          return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: bytes });
        });
      });
    }).then(function (subscription) {
      return fetch('/api/v1/push/subscriptions', {
        method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
        body: JSON.stringify({ subscription: subscription.toJSON(), topics: prefs.topics, lang: prefs.lang })
      });
    }).then(function (response) {
      if (response.ok) sessionStorage.setItem('push-renewed', '1');
    }).catch(function () { /* offline or refused: try again on the next visit */ });
  }

  /* A form answered with an error: move focus to its summary, as GOV.UK does (it links to the field). */
  var errorSummary = document.querySelector('[data-error-summary]');
  if (errorSummary) errorSummary.focus();

  hideExpired();
  showSavedNotice();
  setupSaveButton();
  renderSavedList();
  setupInstall();
  setupServiceWorker();
  if ('serviceWorker' in navigator) renewPushSubscription();
}());
