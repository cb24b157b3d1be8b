// Models view and playground: ListModels / LoadModel / UnloadModel, a streamed Generate with the
// sampling controls, time to first token and tokens/s, and a chat over the gateway's
// OpenAI-compatible /v1/chat/completions.
'use strict';

kiln.views.models = {
  generation: null,
  chat: [],
  timer: null,

  init() {
    kiln.el('load-form').addEventListener('submit', (e) => { e.preventDefault(); this.load(); });
    kiln.el('gen-go').addEventListener('click', () => this.generate());
    kiln.el('gen-stop').addEventListener('click', () => this.generation && this.generation.abort());
    kiln.el('chat-form').addEventListener('submit', (e) => { e.preventDefault(); this.say(); });
    kiln.el('chat-clear').addEventListener('click', () => { this.chat = []; kiln.el('chat-log').innerHTML = ''; });
    document.querySelectorAll('.tabs button').forEach((b) => b.addEventListener('click', () => {
      document.querySelectorAll('.tabs button').forEach((x) => x.classList.toggle('active', x === b));
      document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.id === `tab-${b.dataset.tab}`));
    }));
  },

  shown() {
    this.refresh();
    clearInterval(this.timer);
    // A model exported with publish appears by itself once the gateway has loaded it.
    this.timer = setInterval(() => { if (kiln.current === 'models') this.refresh(); }, 3000);
  },

  async refresh() {
    const list = await kiln.guard('models-error', () => kiln.call('GET', '/api/models'));
    if (!list) return;
    const models = list.models || [];
    kiln.table('models', [
      ['name', (m) => kiln.escape(m.name)],
      ['type', (m) => kiln.escape(m.modelType)],
      ['provider', (m) => kiln.escape(m.executionProvider.replace('EXECUTION_PROVIDER_', '').toLowerCase())],
      ['context', (m) => kiln.num(m.contextLength), 'num'],
      ['vocabulary', (m) => kiln.num(m.vocabSize), 'num'],
      ['layers', (m) => kiln.num(m.nLayer), 'num'],
      ['loaded', (m) => kiln.escape(m.loadedAt || '')],
      ['path', (m) => `<span class="muted">${kiln.escape(m.path)}</span>`],
      ['', (m) => `<button class="unload" data-name="${kiln.escape(m.name)}">Unload</button>`],
    ], models);
    kiln.el('models').querySelectorAll('button.unload').forEach((b) => b.addEventListener('click', () => this.unload(b.dataset.name)));
    const select = kiln.el('play-model');
    const keep = select.value;
    select.innerHTML = models.map((m) => `<option value="${kiln.escape(m.name)}">${kiln.escape(m.name)}</option>`).join("");
    if (models.some((m) => m.name === keep)) select.value = keep;
  },

  async load() {
    const f = kiln.el('load-form');
    const body = { name: f.name.value.trim(), path: f.path.value.trim(), replace: f.replace.checked };
    if (await kiln.guard('models-error', () => kiln.call('POST', '/api/models', body))) this.refresh();
  },

  async unload(name) {
    if (await kiln.guard('models-error', () => kiln.call('DELETE', `/api/models/${encodeURIComponent(name)}`))) this.refresh();
  },

  /** The sampling controls; empty ones stay unset, so the model's generation_config applies. */
  sampling() {
    const n = (id) => (kiln.el(id).value === '' ? undefined : Number(kiln.el(id).value));
    return {
      temperature: n('p-temperature'), topK: n('p-topk'), topP: n('p-topp'), minP: n('p-minp'),
      repetitionPenalty: n('p-rep'), seed: kiln.el('p-seed').value === '' ? undefined : kiln.el('p-seed').value,
    };
  },

  stops() { return kiln.el('p-stop').value.split(',').map((s) => s.trim()).filter((s) => s); },

  async generate() {
    const prompt = kiln.el('gen-prompt').value;
    const out = kiln.el('gen-output');
    const stats = kiln.el('gen-stats');
    out.innerHTML = `<span class="prompt">${kiln.escape(prompt)}</span><span id="gen-text"></span>`;
    const text = kiln.el('gen-text');
    const request = {
      model: kiln.el('play-model').value, prompt, maxNewTokens: Number(kiln.el('p-max').value),
      sampling: this.sampling(), stop: this.stops(),
    };
    const started = performance.now();
    let first = null;
    let tokens = 0;
    let finish = '';
    const show = () => {
      const now = performance.now();
      const ttft = first === null ? '–' : `${Math.round(first - started)} ms`;
      const rate = first === null || tokens < 2 ? '–' : ((tokens - 1) / ((now - first) / 1000)).toFixed(1);
      stats.textContent = `TTFT ${ttft} · ${tokens} tokens · ${rate} tokens/s${finish ? ' · ' + finish : ''}`;
    };
    this.generation = new AbortController();
    kiln.el('gen-go').disabled = true;
    kiln.el('gen-stop').disabled = false;
    kiln.showError('play-error', null);
    try {
      await kiln.stream('POST', '/api/models/generate', request, (r) => {
        const n = (r.tokenIds || []).length;
        if (n > 0 && first === null) first = performance.now();
        tokens += n;
        text.textContent += r.text;
        if (r.finishReason && r.finishReason !== 'FINISH_REASON_UNSPECIFIED') finish = r.finishReason.replace('FINISH_REASON_', '').toLowerCase();
        show();
      }, this.generation.signal);
    } catch (e) {
      if (e.name !== 'AbortError') kiln.showError('play-error', e);
      else finish = 'stopped';
    } finally {
      show();
      kiln.el('gen-go').disabled = false;
      kiln.el('gen-stop').disabled = true;
    }
  },

  async say() {
    const input = kiln.el('chat-input');
    const content = input.value.trim();
    if (!content) return;
    input.value = '';
    this.chat.push({ role: 'user', content });
    const log = kiln.el('chat-log');
    log.insertAdjacentHTML('beforeend', `<div class="msg user">${kiln.escape(content)}</div>`);
    const reply = document.createElement('div');
    reply.className = 'msg assistant';
    log.append(reply);
    const s = this.sampling();
    const request = {
      model: kiln.el('play-model').value, messages: this.chat, max_tokens: Number(kiln.el('p-max').value),
      temperature: s.temperature, top_p: s.topP, seed: s.seed === undefined ? undefined : Number(s.seed),
      stop: this.stops().length ? this.stops() : undefined,
    };
    const started = performance.now();
    let first = null;
    let chunks = 0;
    kiln.showError('play-error', null);
    try {
      await kiln.stream('POST', '/api/chat', request, (chunk) => {
        const delta = ((chunk.choices || [])[0] || {}).delta || {};
        if (delta.content) {
          if (first === null) first = performance.now();
          chunks += 1;
          reply.textContent += delta.content;
        }
      });
      this.chat.push({ role: 'assistant', content: reply.textContent });
      const rate = first === null || chunks < 2 ? '–' : ((chunks - 1) / ((performance.now() - first) / 1000)).toFixed(1);
      kiln.el('chat-stats').textContent = `TTFT ${first === null ? '–' : Math.round(first - started) + ' ms'} · ${rate} chunks/s`;
    } catch (e) {
      reply.remove();
      this.chat.pop();
      kiln.showError('play-error', e);
    }
  },
};
