/* The notification settings page: subscribe this browser with chosen topics and language. */
(function () {
  'use strict';
  var form = document.getElementById('push-settings');
  var state = document.getElementById('push-state');
  if (!form || !state) return;
  var offButton = document.getElementById('push-unsubscribe');
  var PREFS = 'push-prefs';

  function say(key) { state.textContent = state.getAttribute('data-' + key) || ''; }
  function choices() {
    var topics = Array.prototype.map.call(form.querySelectorAll('input[name=topics]:checked'), function (el) { return el.value; });
    return { topics: topics, lang: form.querySelector('#push-lang').value };
  }
  function b64ToBytes(value) {
    var padded = (value + '===='.slice(value.length % 4 || 4)).replace(/-/g, '+').replace(/_/g, '/');
    var raw = atob(padded);
    return Uint8Array.from(raw, function (c) { return c.charCodeAt(0); });
  }
  /* Each failure says what happened and what to do: blocked, iPhone not on the Home Screen,
   * push service unreachable, offline, or our server refusing. */
  function failure(kind) { var error = new Error(kind); error.kind = kind; return error; }
  function offlineOr(kind) { return failure(navigator.onLine === false ? 'offline' : kind); }
  var ios = /iPhone|iPad|iPod/.test(navigator.userAgent) || (navigator.platform === 'MacIntel' && navigator.maxTouchPoints > 1);
  var standalone = navigator.standalone === true || (window.matchMedia && window.matchMedia('(display-mode: standalone)').matches);
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say(ios && !standalone ? 'ios-home-screen' : 'unsupported');
    return;
  }
  form.querySelector('[data-needs-js]').hidden = false;

  function send(subscription, prefs) {
    return fetch(form.getAttribute('data-subscriptions-url'), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
      body: JSON.stringify({ subscription: subscription.toJSON(), topics: prefs.topics, lang: prefs.lang })
    }).catch(function () { throw offlineOr('server'); })
      .then(function (response) { if (!response.ok) throw failure('server'); });
  }

  navigator.serviceWorker.ready.then(function (registration) {
    return registration.pushManager.getSubscription();
  }).then(function (existing) {
    var prefs = JSON.parse(localStorage.getItem(PREFS) || 'null');
    if (existing && prefs) {
      form.querySelectorAll('input[name=topics]').forEach(function (el) { el.checked = prefs.topics.indexOf(el.value) >= 0; });
      form.querySelector('#push-lang').value = prefs.lang;
      offButton.hidden = false;
      say('on');
    } else {
      say(Notification.permission === 'denied' ? 'denied' : 'off');
    }
  });

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var prefs = choices();
    if (navigator.onLine === false) { say('offline'); return; }
    Promise.resolve(Notification.requestPermission()).then(function (permission) {
      if (permission === 'denied') throw failure('denied');
      if (permission !== 'granted') throw failure('dismissed');
      var key = fetch(form.getAttribute('data-vapid-url'))
        .catch(function () { throw offlineOr('server'); })
        .then(function (r) { if (!r.ok) throw failure('server'); return r.json(); });
      return Promise.all([navigator.serviceWorker.ready, key]);
    }).then(function (results) {
      var registration = results[0];
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: b64ToBytes(results[1].public_key)
        });
      }).catch(function (error) {
        if (error && error.name === 'NotAllowedError') throw failure('denied');
        throw offlineOr('push-service');  // the browser could not reach its push service
      });
    }).then(function (subscription) {
      return send(subscription, prefs);
    }).then(function () {
      localStorage.setItem(PREFS, JSON.stringify(prefs));
      offButton.hidden = false;
      say('on');
    }).catch(function (error) {
      say((error && error.kind) || 'failed');
    });
  });

  offButton.addEventListener('click', function () {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return null;
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () {
        return fetch(form.getAttribute('data-subscriptions-url'), {
          method: 'DELETE', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
          body: JSON.stringify({ endpoint: endpoint })
        });
      });
    }).then(function () {
      localStorage.removeItem(PREFS);
      offButton.hidden = true;
      say('off');
    }).catch(function () { say(navigator.onLine === false ? 'offline' : 'failed'); });
  });
}());
