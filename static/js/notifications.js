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
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window)) {
    say('unsupported');
    return;
  }
  form.querySelector('[data-needs-js]').hidden = false;

  function send(subscription, prefs) {
    return fetch(form.getAttribute('data-subscriptions-url'), {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, credentials: 'same-origin',
      body: JSON.stringify({ subscription: subscription.toJSON(), topics: prefs.topics, lang: prefs.lang })
    }).then(function (response) { if (!response.ok) throw new Error('refused'); });
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
    Notification.requestPermission().then(function (permission) {
      if (permission !== 'granted') { say('denied'); throw new Error('denied'); }
      return Promise.all([navigator.serviceWorker.ready,
        fetch(form.getAttribute('data-vapid-url')).then(function (r) { return r.json(); })]);
    }).then(function (results) {
      var registration = results[0];
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({
          userVisibleOnly: true, applicationServerKey: b64ToBytes(results[1].public_key)
        });
      });
    }).then(function (subscription) {
      return send(subscription, prefs);
    }).then(function () {
      localStorage.setItem(PREFS, JSON.stringify(prefs));
      offButton.hidden = false;
      say('on');
    }).catch(function (error) {
      if (error && error.message !== 'denied') say('failed');
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
    }).catch(function () { say('failed'); });
  });
}());
