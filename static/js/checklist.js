/* Checklist enhancements; the checklist works without this file.
 * Ticks are kept on this device only (localStorage), never sent anywhere. Adds a Print button. */
(function () {
  'use strict';
  var list = document.querySelector('[data-checklist]');
  if (!list) return;
  var key = 'checklist-ticks:' + list.getAttribute('data-checklist');

  function load() {
    try { return JSON.parse(window.localStorage.getItem(key) || '{}') || {}; } catch (e) { return {}; }
  }
  function save(state) {
    try { window.localStorage.setItem(key, JSON.stringify(state)); } catch (e) { /* private mode: ticks last for this page only */ }
  }
  function mark(box) {
    var task = box.closest('[data-task]');
    if (task) task.classList.toggle('done', box.checked);
  }

  var state = load();
  list.querySelectorAll('input[data-tick]').forEach(function (box) {
    var id = box.getAttribute('data-tick');
    box.checked = state[id] === true;
    mark(box);
    box.addEventListener('change', function () {
      if (box.checked) { state[id] = true; } else { delete state[id]; }
      save(state);
      mark(box);
    });
  });

  document.querySelectorAll('[data-print]').forEach(function (button) {
    button.hidden = false;
    button.addEventListener('click', function () { window.print(); });
  });
})();
