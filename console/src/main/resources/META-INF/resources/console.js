// The console's shared parts: calls to its own /api (which calls the services over gRPC), the
// server-sent event reader, error panels and view switching. No framework, no build step.
'use strict';

class ConsoleError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
  toString() { return `${this.code}: ${this.message}`; }
}

const kiln = {
  charts: {},
  views: {},
  el: (id) => document.getElementById(id),

  apiKey() { return kiln.el('api-key').value.trim(); },

  headers(json) {
    const h = {};
    if (json) h['Content-Type'] = 'application/json';
    const key = kiln.apiKey();
    if (key) h['X-Kiln-Api-Key'] = key;
    return h;
  },

  async fetch(method, path, body, extra = {}) {
    try {
      return await fetch(path, {
        method,
        headers: { ...kiln.headers(body !== undefined), ...(extra.headers || {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: extra.signal,
      });
    } catch (e) {
      if (e.name === 'AbortError') throw e;
      throw new ConsoleError('UNAVAILABLE', `the console cannot be reached (${e.message})`);
    }
  },

  async failure(res) {
    const text = await res.text();
    try {
      const data = JSON.parse(text);
      if (data && data.code) return new ConsoleError(data.code, data.message);
    } catch (ignored) { /* not JSON */ }
    return new ConsoleError(`HTTP ${res.status}`, text || res.statusText);
  },

  /** A unary call: the JSON answer, or a ConsoleError with the service's status and message. */
  async call(method, path, body) {
    const res = await kiln.fetch(method, path, body);
    if (!res.ok) throw await kiln.failure(res);
    return res.json();
  },

  /**
   * A streaming call: onMessage gets every `message` event's JSON; an `error` event or a failed
   * response becomes a ConsoleError. EventSource cannot send the key header or a POST body, hence fetch.
   */
  async stream(method, path, body, onMessage, signal) {
    const res = await kiln.fetch(method, path, body, { signal, headers: { Accept: 'text/event-stream' } });
    if (!res.ok) throw await kiln.failure(res);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, '\n');
      let end;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let event = 'message';
        const data = [];
        for (const line of block.split('\n')) {
          if (line.startsWith('event:')) event = line.slice(6).trim();
          else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
        }
        if (data.length === 0) continue;
        const payload = JSON.parse(data.join('\n'));
        if (event === 'error') throw new ConsoleError(payload.code, payload.message);
        onMessage(payload);
      }
    }
  },

  /** Shows an error in a panel's error box (never a blank panel); null clears it. */
  showError(id, error) {
    const box = kiln.el(id);
    box.textContent = error ? (error instanceof ConsoleError ? error.toString() : `ERROR: ${error.message || error}`) : '';
  },

  /** Runs an action, showing its failure in the given box. */
  async guard(errorId, action) {
    try {
      const result = await action();
      kiln.showError(errorId, null);
      return result;
    } catch (e) {
      if (e.name !== 'AbortError') kiln.showError(errorId, e);
      return undefined;
    }
  },

  escape(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
  },

  /** Renders rows into a table: columns are [header, row => cell HTML, 'num'?]. */
  table(id, columns, rows, onRow) {
    const t = kiln.el(id);
    const head = '<thead><tr>' + columns.map(([h, , cls]) => `<th class="${cls || ''}">${h}</th>`).join('') + '</tr></thead>';
    const body = rows.map((r, i) => `<tr data-i="${i}">` + columns.map(([, f, cls]) => `<td class="${cls || ''}">${f(r)}</td>`).join('') + '</tr>').join('');
    t.innerHTML = head + '<tbody>' + body + '</tbody>';
    if (onRow) t.querySelectorAll('tbody tr').forEach((tr) => tr.addEventListener('click', () => onRow(rows[tr.dataset.i], tr)));
  },

  num(v, digits) {
    if (v === undefined || v === null || v === '') return '';
    const n = Number(v);
    if (Number.isNaN(n)) return '–';
    return digits === undefined ? n.toLocaleString('en-US') : n.toFixed(digits);
  },

  lineChart(id, datasets, yTitle, logY) {
    const chart = new Chart(kiln.el(id), {
      type: 'line',
      data: { datasets: datasets.map(([label, color]) => ({ label, data: [], borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, spanGaps: true })) },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, parsing: false, normalized: true,
        scales: { x: { type: 'linear', title: { display: true, text: 'step' } }, y: { type: logY ? 'logarithmic' : 'linear', title: { display: true, text: yTitle } } },
        plugins: { legend: { position: 'bottom' } },
      },
    });
    kiln.charts[id.replace('-chart', '')] = chart;
    return chart;
  },

  current: 'corpus',
  show(view) {
    kiln.current = view;
    document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.view === view));
    document.querySelectorAll('.view').forEach((v) => v.classList.toggle('active', v.id === `view-${view}`));
    location.hash = view;
    const v = kiln.views[view];
    if (v && v.shown) v.shown();
  },
};
window.kiln = kiln;

document.addEventListener('DOMContentLoaded', async () => {
  const key = kiln.el('api-key');
  key.value = sessionStorage.getItem('kiln-api-key') || '';
  key.addEventListener('change', () => sessionStorage.setItem('kiln-api-key', key.value.trim()));
  document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => kiln.show(b.dataset.view)));
  Object.values(kiln.views).forEach((v) => v.init && v.init());
  const wanted = location.hash.replace('#', '');
  kiln.show(kiln.views[wanted] ? wanted : 'corpus');
  try {
    const info = await kiln.call('GET', '/api/info');
    kiln.el('services').textContent = Object.entries(info.services).map(([k, v]) => `${k} ${v}`).join(' · ')
      + (info.apiKeyConfigured ? ' · key configured' : '');
  } catch (e) {
    kiln.el('services').textContent = String(e);
  }
});
