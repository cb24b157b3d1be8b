// transformers.js side of bench.sh: encodes the corpus (JSON lines), writes its ids (the reference for
// Kiln's mismatch count) and prints MB/s by process CPU time, best round after a warm-up.
// Usage: node bench.mjs <model-name> <corpus.jsonl> <ids-out.jsonl> <rounds>
import { readFileSync, writeFileSync } from "node:fs";
import { MODELS, loadTokenizer } from "./models.mjs";

const [name, corpusFile, idsOut, roundsArg] = process.argv.slice(2);
const model = MODELS.find((m) => m.name === name);
const tok = await loadTokenizer(model);
const docs = readFileSync(corpusFile, "utf8").split("\n").filter((l) => l.length).map((l) => JSON.parse(l));
const mb = docs.reduce((n, d) => n + Buffer.byteLength(d, "utf8"), 0) / 1e6;
writeFileSync(idsOut, docs.map((d) => JSON.stringify(tok.encode(d))).join("\n") + "\n");
let best = 0;
for (let r = 0; r <= Number(roundsArg); r++) {
  const t0 = process.cpuUsage();
  for (const d of docs) tok.encode(d);
  const t = process.cpuUsage(t0);
  if (r > 0) best = Math.max(best, mb / ((t.user + t.system) / 1e6));
}
console.log(`transformers.js ${model.pkg}: ${docs.length} documents, ${mb.toFixed(2)} MB, ${best.toFixed(2)} MB/s`);
