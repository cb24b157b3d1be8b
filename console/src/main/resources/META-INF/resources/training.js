// Training view: ListRuns, one run's live curves from WatchRun (replayed, then followed), its
// samples, stop / resume / export, and StartRun from a form whose errors are the trainer's own.
'use strict';

kiln.views.training = {
  run: null,
  watch: null,
  timer: null,

  init() {
    kiln.lineChart('loss-chart', [['train loss', '#c2410c'], ['val loss', '#2563eb']], 'loss (nats/token)');
    kiln.lineChart('lr-chart', [['learning rate', '#7c3aed']], 'learning rate');
    kiln.lineChart('tps-chart', [['tokens/s', '#0891b2']], 'tokens/s');
    kiln.el('start-form').addEventListener('submit', (e) => { e.preventDefault(); this.start(); });
    kiln.el('run-stop').addEventListener('click', () => this.act('stop'));
    kiln.el('run-resume').addEventListener('click', () => this.act('resume'));
    kiln.el('run-export').addEventListener('click', () => this.exportModel());
  },

  shown() {
    this.refresh();
    clearInterval(this.timer);
    this.timer = setInterval(() => { if (kiln.current === 'training') this.refresh(); }, 2000);
  },

  async refresh() {
    const list = await kiln.guard('runs-error', () => kiln.call('GET', '/api/runs'));
    if (!list) return;
    const runs = list.runs || [];
    kiln.table('runs', [
      ['run', (r) => kiln.escape(r.id)],
      ['state', (r) => `<span class="badge ${r.state}">${r.state.replace('RUN_STATE_', '').toLowerCase()}</span>`],
      ['step', (r) => `${kiln.num(r.step)} / ${kiln.num(r.config.training.maxSteps)}`, 'num'],
      ['train loss', (r) => kiln.num(r.trainLoss, 3), 'num'],
      ['val loss', (r) => kiln.num(r.valLoss, 3), 'num'],
      ['tokens', (r) => kiln.num(r.tokensSeen), 'num'],
      ['parameters', (r) => kiln.num(r.parameters), 'num'],
      ['encoding', (r) => kiln.escape(r.config.encoding)],
      ['error', (r) => kiln.escape(r.error || '')],
    ], runs, (r) => this.select(r.id));
    document.querySelectorAll('#runs tbody tr').forEach((tr) => tr.classList.toggle('selected', runs[tr.dataset.i].id === this.run));
    const current = runs.find((r) => r.id === this.run);
    if (current) this.state(current.state);
    else if (!this.run && runs.length > 0) this.select(runs[0].id);
  },

  state(state) {
    const badge = kiln.el('run-state');
    badge.className = `badge ${state}`;
    badge.textContent = state.replace('RUN_STATE_', '').toLowerCase();
    const active = state === 'RUN_STATE_RUNNING' || state === 'RUN_STATE_PENDING';
    kiln.el('run-stop').disabled = !active;
    kiln.el('run-resume').disabled = active || state === 'RUN_STATE_COMPLETED';
    kiln.el('run-export').disabled = false;
  },

  /** Follows a run: clears the curves and replays its events, then appends live ones. */
  select(id) {
    if (this.watch) this.watch.abort();
    this.run = id;
    kiln.el('run-title').textContent = id;
    kiln.el('samples').innerHTML = '';
    kiln.showError('run-error', null);
    kiln.el('run-notice').textContent = '';
    ['loss', 'lr', 'tps'].forEach((c) => { kiln.charts[c].data.datasets.forEach((d) => { d.data = []; }); kiln.charts[c].update('none'); });
    const watch = new AbortController();
    this.watch = watch;
    let dirty = false;
    const flush = setInterval(() => { if (dirty) { dirty = false; ['loss', 'lr', 'tps'].forEach((c) => kiln.charts[c].update('none')); } }, 250);
    kiln.stream('GET', `/api/runs/${encodeURIComponent(id)}/events`, undefined, (e) => { dirty = this.event(e) || dirty; }, watch.signal)
      .catch((e) => { if (e.name !== 'AbortError') kiln.showError('run-error', e); })
      .finally(() => { clearInterval(flush); ['loss', 'lr', 'tps'].forEach((c) => kiln.charts[c].update('none')); });
  },

  /** One TrainingEvent; true when a chart changed. */
  event(e) {
    const step = e.step;
    if (e.metrics) {
      kiln.charts.loss.data.datasets[0].data.push({ x: step, y: e.metrics.loss });
      kiln.charts.lr.data.datasets[0].data.push({ x: step, y: e.metrics.learningRate });
      kiln.charts.tps.data.datasets[0].data.push({ x: step, y: e.metrics.tokensPerSecond });
      return true;
    }
    if (e.evaluation) {
      kiln.charts.loss.data.datasets[1].data.push({ x: step, y: e.evaluation.valLoss });
      return true;
    }
    if (e.sample) {
      const li = document.createElement('li');
      li.innerHTML = `<span class="muted">step ${step}:</span> <b>${kiln.escape(e.sample.prompt)}</b>${kiln.escape(e.sample.text)}`;
      kiln.el('samples').prepend(li);
    } else if (e.state) {
      this.state(e.state.state);
      this.refresh(); // the runs table shows the new state at once, not at its next poll
      if (e.state.message) kiln.el('run-notice').textContent = `${e.state.state.replace('RUN_STATE_', '').toLowerCase()}: ${e.state.message}`;
    } else if (e.checkpoint) {
      kiln.el('run-notice').textContent = `checkpoint at step ${step}: ${e.checkpoint.path}`;
    }
    return false;
  },

  async act(action) {
    const run = await kiln.guard('run-error', () => kiln.call('POST', `/api/runs/${encodeURIComponent(this.run)}/${action}`));
    if (!run) return;
    this.state(run.state);
    if (action === 'resume') this.select(this.run);
    this.refresh();
  },

  async exportModel() {
    const body = { modelName: kiln.el('export-name').value.trim(), publish: kiln.el('export-publish').checked };
    kiln.el('run-notice').textContent = 'exporting ...';
    const artifact = await kiln.guard('run-error', () => kiln.call('POST', `/api/runs/${encodeURIComponent(this.run)}/export`, body));
    kiln.el('run-notice').textContent = artifact
      ? `exported ${artifact.name} (step ${artifact.step}, ${kiln.num(artifact.sizeBytes)} bytes) to ${artifact.path}${artifact.published ? ', announced to the gateways' : ''}`
      : '';
  },

  /** The form as a StartRunRequest; empty fields stay unset so the trainer's defaults apply. */
  request() {
    const f = kiln.el('start-form');
    const n = (name) => (f[name].value === '' ? undefined : Number(f[name].value));
    const data = f.dataKind.value === 'kafka'
      ? { kafka: { topic: f.dataValue.value.trim() } }
      : { shardDirectory: f.dataValue.value.trim() };
    return {
      name: f.name.value.trim(),
      encoding: f.encoding.value.trim(),
      model: { nLayer: n('nLayer'), nHead: n('nHead'), nEmbd: n('nEmbd'), contextLength: n('contextLength') },
      optimizer: { learningRate: n('learningRate'), warmupSteps: n('warmupSteps') },
      training: {
        batchSize: n('batchSize'), maxSteps: n('maxSteps'), seed: n('seed'), threads: n('threads'),
        evalInterval: n('evalInterval'), sampleInterval: n('sampleInterval'), samplePrompt: f.samplePrompt.value,
      },
      data,
    };
  },

  async start() {
    const run = await kiln.guard('start-error', () => kiln.call('POST', '/api/runs', this.request()));
    if (!run) return;
    this.select(run.id);
    this.refresh();
  },
};
