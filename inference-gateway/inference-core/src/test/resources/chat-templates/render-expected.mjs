// Fills `expected` in cases.json with @huggingface/jinja's rendering (the reference renderer of
// Hugging Face chat templates). Run once after changing cases.json:
//   cd inference-gateway/inference-core/src/test/resources/chat-templates && npm install && node render-expected.mjs
// ChatTemplateTest then checks that Kiln's Jinjava rendering equals `expected` byte for byte.
import fs from "fs";
import { Template } from "@huggingface/jinja";

const file = new URL("./cases.json", import.meta.url);
const cases = JSON.parse(fs.readFileSync(file, "utf8"));
let differs = 0;
for (const c of cases) {
  c.expected = new Template(c.chat_template).render(c.data);
  if (c.reference_target !== undefined && c.reference_target !== c.expected) {
    differs++;
    console.warn(`${c.name}: the reference renderer no longer produces its own test's target`);
  }
}
fs.writeFileSync(file, JSON.stringify(cases, null, 2) + "\n");
console.log(`${cases.length} cases rendered, ${differs} differ from the fixture targets`);
