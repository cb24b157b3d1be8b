// Tokenizer view: a text's tokens as coloured spans (from Tokenize's offsets, in UTF-16 units as
// JavaScript indexes strings), their count and ids, and the same text in a second encoding.
'use strict';

kiln.views.tokenizer = {
  palette: ['#fde68a', '#bfdbfe', '#bbf7d0', '#fecaca', '#ddd6fe', '#fed7aa', '#a5f3fc', '#f5d0fe'],
  timer: null,
  loaded: false,

  init() {
    const later = () => { clearTimeout(this.timer); this.timer = setTimeout(() => this.tokenize(), 250); };
    ['tok-text', 'tok-left', 'tok-right', 'tok-special', 'tok-ids'].forEach((id) => {
      kiln.el(id).addEventListener('input', later);
      kiln.el(id).addEventListener('change', later);
    });
  },

  async shown() {
    if (!this.loaded) await this.encodings();
    this.tokenize();
  },

  async encodings() {
    const list = await kiln.guard('enc-error', () => kiln.call('GET', '/api/tokenizer/encodings'));
    if (!list) return;
    this.loaded = true;
    const names = list.encodings.map((e) => e.name);
    const options = names.map((n) => `<option value="${kiln.escape(n)}">${kiln.escape(n)}</option>`).join("");
    const left = kiln.el('tok-left');
    const right = kiln.el('tok-right');
    const keepLeft = left.value || (names.includes('cl100k_base') ? 'cl100k_base' : names[0]);
    const keepRight = right.value || (names.includes('o200k_base') ? 'o200k_base' : '');
    left.innerHTML = options;
    right.innerHTML = '<option value="">(none)</option>' + options;
    left.value = keepLeft;
    right.value = keepRight;
    kiln.el('encoding-names').innerHTML = options;
    kiln.table('encodings', [
      ['name', (e) => kiln.escape(e.name)],
      ['vocabulary', (e) => kiln.num(e.vocabSize), 'num'],
      ['source', (e) => kiln.escape((e.source || '').replace('ENCODING_SOURCE_', '').toLowerCase())],
      ['EOS id', (e) => (e.eosTokenId === undefined ? '' : kiln.num(e.eosTokenId)), 'num'],
      ['special tokens', (e) => kiln.escape(Object.keys(e.specialTokens || {}).join(' '))],
    ], list.encodings);
  },

  async tokenize() {
    const text = kiln.el('tok-text').value;
    const special = kiln.el('tok-special').checked;
    const sides = [['tok-left', 'tok-left-out'], ['tok-right', 'tok-right-out']];
    kiln.showError('tok-error', null);
    for (const [select, out] of sides) {
      const encoding = kiln.el(select).value;
      if (!encoding) { kiln.el(out).innerHTML = ''; continue; }
      const request = { encoding, text, specialTokens: special ? { allowAll: true } : undefined };
      try {
        const res = await kiln.call('POST', '/api/tokenizer/tokenize', request);
        this.render(kiln.el(out), encoding, text, res);
      } catch (e) {
        kiln.el(out).innerHTML = '';
        kiln.showError('tok-error', e);
      }
    }
  },

  render(out, encoding, text, res) {
    const ids = res.ids || [];
    const spans = res.offsets || [];
    let html = '';
    let covered = 0;
    ids.forEach((id, i) => {
      const s = spans[i] || { charStart: covered, charEnd: covered };
      // Byte-level BPE can split one character across tokens: each gets the whole character's
      // span, so only the first of them shows it and the others show an empty marker.
      const start = Math.max(s.charStart || 0, covered);
      const end = Math.max(s.charEnd || 0, start);
      const piece = text.slice(start, end);
      covered = Math.max(covered, end);
      const ws = /^\s+$/.test(piece) ? ' ws' : '';
      const shown = piece === '' ? '\u200b·' : kiln.escape(piece);
      html += `<span class="tok${ws}" style="background:${this.palette[i % this.palette.length]}" title="#${i} id ${id} bytes ${s.byteStart || 0}..${s.byteEnd || 0}">${shown}</span>`;
    });
    const showIds = kiln.el('tok-ids').checked;
    out.innerHTML = `<h3>${kiln.escape(encoding)} <span class="count" data-count="${ids.length}">${ids.length}</span> <span class="muted">tokens, ${text.length} characters</span></h3>
      <div class="tokens">${html}</div>` + (showIds ? `<p class="tok-ids">${ids.join(', ')}</p>` : '');
  },
};
