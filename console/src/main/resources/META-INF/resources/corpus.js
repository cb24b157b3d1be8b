// Corpus view: GetStats as a funnel (kept and dropped per step, polled while visible, so an
// ingest in progress moves it) and InspectDocument's verdict per step.
'use strict';

kiln.views.corpus = {
  timer: null,

  init() {
    const chart = new Chart(kiln.el('funnel-chart'), {
      type: 'bar',
      data: { labels: [], datasets: [
        { label: 'kept', data: [], backgroundColor: '#16a34a', stack: 's' },
        { label: 'dropped', data: [], backgroundColor: '#dc2626', stack: 's' },
      ] },
      options: {
        animation: false, responsive: true, maintainAspectRatio: false, indexAxis: 'y',
        scales: { x: { stacked: true, title: { display: true, text: 'documents' } }, y: { stacked: true } },
        plugins: {
          tooltip: { callbacks: { afterBody: (items) => kiln.views.corpus.reasons(items[0].dataIndex) } },
        },
      },
    });
    kiln.charts.funnel = chart;
    kiln.el('corpus-live').addEventListener('change', () => this.poll());
    kiln.el('inspect-form').addEventListener('submit', (e) => { e.preventDefault(); this.inspect(); });
  },

  shown() { this.refresh(); this.poll(); },

  poll() {
    clearInterval(this.timer);
    if (kiln.el('corpus-live').checked) {
      this.timer = setInterval(() => { if (kiln.current === 'corpus') this.refresh(); }, 1000);
    }
  },

  steps: [],
  reasons(i) {
    const step = this.steps[i];
    if (!step) return '';
    return Object.entries(step.droppedByReason || {}).map(([r, n]) => `${r}: ${n}`).join('\n');
  },

  async refresh() {
    const stats = await kiln.guard('corpus-stats-error', () => kiln.call('GET', '/api/corpus/stats'));
    if (!stats) return;
    this.steps = stats.steps;
    const chart = kiln.charts.funnel;
    chart.data.labels = stats.steps.map((s) => s.step);
    chart.data.datasets[0].data = stats.steps.map((s) => Number(s.documentsKept));
    chart.data.datasets[1].data = stats.steps.map((s) => Number(s.documentsDropped));
    chart.update('none');
    kiln.el('corpus-totals').innerHTML = [
      ['documents in', stats.documentsIn], ['kept', stats.documentsKept], ['tokens', stats.tokens],
      ['shards', stats.shardsProduced], ['dedup index', stats.dedupIndexDocuments],
    ].map(([k, v]) => `<span>${k} <b>${kiln.num(v)}</b></span>`).join('');
    kiln.table('corpus-steps', [
      ['step', (s) => kiln.escape(s.step)],
      ['in', (s) => kiln.num(s.documentsIn), 'num'],
      ['kept', (s) => kiln.num(s.documentsKept), 'num'],
      ['dropped', (s) => kiln.num(s.documentsDropped), 'num'],
      ['dropped by reason', (s) => Object.entries(s.droppedByReason || {}).sort((a, b) => Number(b[1]) - Number(a[1]))
        .map(([r, n]) => `${kiln.escape(r)} ${kiln.num(n)}`).join(', ')],
      ['seconds', (s) => kiln.num(s.seconds, 3), 'num'],
    ], stats.steps);
  },

  async inspect() {
    const form = kiln.el('inspect-form');
    const body = { url: form.url.value, content: form.content.value, contentType: form.contentType.value };
    const doc = await kiln.guard('inspect-error', () => kiln.call('POST', '/api/corpus/inspect', body));
    const out = kiln.el('inspect-result');
    if (!doc) { out.innerHTML = ''; return; }
    const verdict = doc.kept ? '<span class="badge kept">kept</span>' : '<span class="badge dropped">dropped</span>';
    out.innerHTML = `<p>${verdict} language <b>${kiln.escape(doc.language || '?')}</b> (score ${kiln.num(doc.languageScore, 3)}),
      ${kiln.num(doc.tokenCount)} tokens</p><table id="inspect-steps" class="data"></table>`;
    kiln.table('inspect-steps', [
      ['step', (s) => kiln.escape(s.step)],
      ['verdict', (s) => (s.kept ? '<span class="badge kept">kept</span>' : `<span class="badge dropped">${kiln.escape(s.reason || 'dropped')}</span>`)],
      ['details', (s) => Object.entries(s.details || {}).map(([k, v]) => `${kiln.escape(k)}=${kiln.escape(v)}`).join(', ')],
      ['text after', (s) => `<details><summary>${kiln.num(s.textAfter.length)} chars</summary><pre class="text">${kiln.escape(s.textAfter)}</pre></details>`],
    ], doc.steps);
  },
};
