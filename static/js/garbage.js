/* "What goes where?": as-you-type suggestions and, without a network, the whole lookup in the browser.
 *
 * The page works without this file (a plain GET form). The locale's dictionary (one JSON file whose
 * URL changes with its contents) is fetched on first use only, never on the home page; the service
 * worker keeps it, so the lookup still works offline. fold() and scoreTerm() mirror
 * shinjuku_pwa/garbage/matching.py: keep them the same.
 */
(function () {
  'use strict';
  const form = document.querySelector('form.garbage-search');
  if (!form || !form.dataset.dictionary) return;
  const input = form.querySelector('input[name="q"]');
  const list = document.getElementById('garbage-suggestions');
  const results = document.getElementById('garbage-results');
  const offlineNote = document.getElementById('garbage-offline');
  const strings = (document.getElementById('garbage-strings') || { dataset: {} }).dataset;
  const MAX_QUERY = 100;
  const SEPARATORS = /[\s\u3000・･、，,。.．/／()（）[\]「」『』【】"'“”‘’:：;；!?！？~〜～\-‐–—_+＋*＊&＆]+/u;
  const IDEOGRAPH = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]$/u;
  let dictionary = null;
  let loading = null;

  function load() {
    if (dictionary) return Promise.resolve(dictionary);
    if (!loading) {
      loading = fetch(form.dataset.dictionary, { credentials: 'same-origin' })
        .then((response) => { if (!response.ok) throw new Error(String(response.status)); return response.json(); })
        .then((data) => { dictionary = data; return data; })
        .catch((error) => { loading = null; throw error; });
    }
    return loading;
  }

  function foldKana(text) {
    let out = '';
    for (const char of text) {
      const code = char.codePointAt(0);
      if (code >= 0x30a1 && code <= 0x30f6) out += String.fromCodePoint(code - 0x60);
      else if (code === 0x30fd || code === 0x30fe) out += String.fromCodePoint(code - 0x60);
      else out += char;
    }
    return out;
  }

  function dropLatinAccents(text) {
    let out = '';
    let last = '';
    for (const char of text.normalize('NFD')) {
      if (/\p{M}/u.test(char) && last >= 'a' && last <= 'z') continue;
      out += char;
      last = char;
    }
    return out.normalize('NFC').replace(/đ/g, 'd');
  }

  function singular(word) {
    if (!/^[a-z]+$/.test(word) || word.length < 4) return word;
    if (word.endsWith('ies')) return word.slice(0, -3) + 'y';
    if (/(ches|shes|xes|sses)$/.test(word)) return word.slice(0, -2);
    if (word.endsWith('s') && !/(ss|us|is)$/.test(word)) return word.slice(0, -1);
    return word;
  }

  function foldWords(text) {
    const folded = dropLatinAccents(foldKana(text.slice(0, MAX_QUERY * 5).normalize('NFKC').toLowerCase()));
    return folded.split(SEPARATORS).filter(Boolean).map(singular);
  }

  function wholeWords(term, words) {
    if (term.charCodeAt(0) >= 128) return true;
    for (let start = 0; start < words.length; start += 1) {
      let joined = '';
      for (let end = start; end < words.length; end += 1) {
        joined += words[end];
        if (joined === term) return true;
      }
    }
    return false;
  }

  function scoreTerm(query, words, term) {
    if (!query || !term) return 0;
    if (term === query) return 100;
    if (term.startsWith(query)) return 70 + 20 * query.length / term.length;
    if (term.includes(query)) return 50 + 20 * query.length / term.length;
    if ((term.length >= 2 || IDEOGRAPH.test(term)) && query.includes(term) && wholeWords(term, words)) {
      return 40 * term.length / query.length;
    }
    if (words.length > 1) {
      const found = words.filter((word) => word.length > 1 && term.includes(word)).length;
      return 35 * found / words.length;
    }
    return 0;
  }

  function lookup(text) {
    const words = foldWords(text.slice(0, MAX_QUERY));
    const query = words.join('');
    if (!query || !dictionary) return [];
    const scored = [];
    dictionary.items.forEach((item, position) => {
      let best = 0;
      for (const [term, weight] of item.terms) best = Math.max(best, scoreTerm(query, words, term) * weight);
      if (best >= 10) scored.push({ item, score: best, position });
    });
    scored.sort((a, b) => (b.score - a.score) || (a.position - b.position));
    return scored.map((entry) => entry.item);
  }

  function htmlLang(code) { return code === 'ja-easy' ? 'ja' : code; }

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    Object.entries(attributes || {}).forEach(([name, value]) => { if (value !== null && value !== undefined) node.setAttribute(name, value); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function card(item) {
    const li = element('li', { class: 'card garbage-item', id: 'item-' + item.id });
    const heading = element('h3', { class: 'garbage-name' });
    heading.append(element('a', { href: form.dataset.itemUrl.replace('ID', item.id), lang: item.lang !== dictionary.lang ? htmlLang(item.lang) : null }, item.name));
    if (item.name !== item.official_name) {
      heading.append(' ', element('span', { class: 'official-name', lang: 'ja' }, item.official_name));
    }
    li.append(heading);
    const category = dictionary.categories[item.category];
    const badgeLine = element('p', { class: 'garbage-category' });
    if (category) {
      const badge = element('a', { class: 'garbage-cat garbage-cat-' + item.category, href: form.dataset.categoryUrl.replace('ID', item.category) });
      const icon = document.querySelector('.garbage-category-list .garbage-cat-' + item.category + ' svg');
      if (icon) badge.append(icon.cloneNode(true));
      badge.append(element('span', {}, category.name));
      badgeLine.append(badge);
    } else {
      badgeLine.append(element('span', { class: 'garbage-cat garbage-cat-unknown', lang: 'ja' }, item.official_category));
    }
    li.append(badgeLine);
    if (item.note) {
      const note = element('p', { class: 'garbage-note' });
      note.append(element('span', { class: 'label' }, (strings.note || '') + ':'), ' ', element('span', { lang: htmlLang(item.note_lang) }, item.note));
      li.append(note);
    }
    (item.notices || []).forEach((notice) => {
      const newer = element('p', { class: 'notice garbage-newer-rule' });
      newer.append(element('strong', {}, (strings.newerRule || '') + ':'), ' ' + notice.text + ' ',
        element('a', { href: notice.source, rel: 'noopener' }, strings.wardPage || notice.source));
      li.append(newer);
    });
    const oversized = document.getElementById('garbage-oversized-template');
    if (item.oversized && oversized) li.append(oversized.content.cloneNode(true));
    return li;
  }

  function render(text) {
    const found = lookup(text);
    results.textContent = '';
    const status = element('p', { role: 'status' }, found.length ? (strings.found || '').replace('987654', String(found.length)) : strings.none);
    results.append(status);
    if (found.length) {
      results.append(element('h2', { class: 'visually-hidden' }, strings.results || ''));
      const ol = element('ol', { class: 'card-list garbage-results' });
      found.slice(0, 30).forEach((item) => ol.append(card(item)));
      results.append(ol);
    }
  }

  let active = -1;
  function hideSuggestions() {
    list.hidden = true;
    list.textContent = '';
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
    active = -1;
  }

  function choose(item) {
    input.value = item.name;
    hideSuggestions();
    if (navigator.onLine) form.submit(); else render(item.name);
  }

  function suggest() {
    const text = input.value;
    if (!text.trim()) { hideSuggestions(); return; }
    load().then(() => {
      if (input.value !== text) return;  // the reader kept typing
      const found = lookup(text).slice(0, 8);
      list.textContent = '';
      found.forEach((item, index) => {
        const option = element('li', { role: 'option', id: 'garbage-suggestion-' + index, 'aria-selected': 'false', 'data-id': item.id });
        option.append(element('span', { lang: item.lang !== dictionary.lang ? htmlLang(item.lang) : null }, item.name));
        if (item.name !== item.official_name) option.append(' ', element('span', { class: 'official-name', lang: 'ja' }, item.official_name));
        option.addEventListener('mousedown', (event) => { event.preventDefault(); choose(item); });
        list.append(option);
      });
      list.hidden = found.length === 0;
      input.setAttribute('aria-expanded', found.length ? 'true' : 'false');
      active = -1;
    }).catch(() => hideSuggestions());
  }

  let timer = null;
  input.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(suggest, 120); });
  input.addEventListener('focus', () => { load().catch(() => undefined); }, { once: true });
  input.addEventListener('keydown', (event) => {
    const options = list.querySelectorAll('[role="option"]');
    if (event.key === 'Escape') { hideSuggestions(); return; }
    if (!options.length || (event.key !== 'ArrowDown' && event.key !== 'ArrowUp' && event.key !== 'Enter')) return;
    if (event.key === 'Enter') {
      if (active >= 0) { event.preventDefault(); const id = options[active].dataset.id; choose(dictionary.items.find((item) => item.id === id)); }
      return;
    }
    event.preventDefault();
    active = (active + (event.key === 'ArrowDown' ? 1 : options.length - 1)) % options.length;
    options.forEach((option, index) => option.setAttribute('aria-selected', index === active ? 'true' : 'false'));
    input.setAttribute('aria-activedescendant', options[active].id);
  });
  input.addEventListener('blur', () => setTimeout(hideSuggestions, 150));

  form.addEventListener('submit', (event) => {
    if (navigator.onLine) return;  // the server answers; this file only stands in without a network
    event.preventDefault();
    hideSuggestions();
    offlineNote.hidden = false;
    load().then(() => {
      render(input.value);
      const url = new URL(form.action, window.location.href);
      url.searchParams.set('q', input.value);
      window.history.replaceState(null, '', url);
    }).catch(() => undefined);
  });

  // A saved copy of this page opened offline for another query (the service worker serves the page
  // saved without a query): answer the query here.
  if (document.documentElement.dataset.cacheState === 'cached') {
    const asked = new URLSearchParams(window.location.search).get('q');
    if (asked) {
      input.value = asked;
      offlineNote.hidden = false;
      load().then(() => render(asked)).catch(() => undefined);
    }
  }
}());
