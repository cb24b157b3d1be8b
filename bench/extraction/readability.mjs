// Readability.js (with jsdom) over the pages Kiln's extraction benchmark lists, as its same-run peer:
// writes each page's extracted text to OUT/<id>.txt and the timing to OUT/timing.json (added to one already there).
//
//   node readability.mjs PAGES.tsv OUT_DIR
//
// PAGES.tsv lines: id <TAB> split <TAB> path-to-html. Parse + extraction time is measured per page
// (process CPU time and wall time), as a user would run it: new JSDOM(html, {url}) then parse().
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
import { JSDOM, VirtualConsole } from "jsdom";
import { Readability } from "@mozilla/readability";

const [pagesFile, outDir] = process.argv.slice(2);
if (!pagesFile || !outDir) {
  console.error("usage: node readability.mjs PAGES.tsv OUT_DIR");
  process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
const quiet = new VirtualConsole(); // pages' CSS/script errors are not the peer's output

// Readability returns HTML; block ends become line breaks so words of adjacent blocks stay apart.
const BLOCK_END = /<\/(p|div|h[1-6]|li|tr|td|th|pre|blockquote|figcaption|section|article|dd|dt|table|ul|ol)>|<br\s*\/?>/gi;
function htmlToText(html) {
  const frag = JSDOM.fragment(html.replace(BLOCK_END, "$&\n"));
  return frag.textContent.replace(/[ \t\u00a0]+/g, " ").replace(/\s*\n\s*/g, "\n").trim();
}

const lines = fs.readFileSync(pagesFile, "utf8").split("\n").filter(Boolean);
let cpuMicros = 0, wallMs = 0, bytes = 0, failures = 0;
for (const line of lines) {
  const [id, , file] = line.split("\t");
  const html = file.endsWith(".gz") ? zlib.gunzipSync(fs.readFileSync(file)) : fs.readFileSync(file); // Fundus's pages
  bytes += html.length;
  let text = "";
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let dom;
  try {
    dom = new JSDOM(html, { url: "https://example.org/" + encodeURIComponent(id), virtualConsole: quiet });
    const article = new Readability(dom.window.document).parse();
    if (article && article.content) text = article.content;
  } catch (e) {
    failures++;
  } finally {
    // A window left open when parse() throws keeps its whole document alive: over the ~3,100 pages
    // with Dragnet's the heap reached node's 4 GB limit.
    dom?.window.close();
  }
  wallMs += performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  cpuMicros += cpu.user + cpu.system;
  fs.writeFileSync(path.join(outDir, id.replace(/[^A-Za-z0-9._-]/g, "_") + ".txt"), text ? htmlToText(text) : "");
}
// The caller runs one process per chunk of pages (jsdom kept ~3 MB a page alive across closed windows, and one
// process over all five sets ran out of heap), so the timing of the chunks adds up in one file.
const timingFile = path.join(outDir, "timing.json");
const before = fs.existsSync(timingFile)
  ? JSON.parse(fs.readFileSync(timingFile, "utf8"))
  : { pages: 0, bytes: 0, failures: 0, cpuSeconds: 0, wallSeconds: 0 };
const timing = {
  peer: "readability.js " + JSON.parse(fs.readFileSync(new URL("./node_modules/@mozilla/readability/package.json", import.meta.url))).version
    + " + jsdom " + JSON.parse(fs.readFileSync(new URL("./node_modules/jsdom/package.json", import.meta.url))).version
    + ", node " + process.versions.node,
  pages: before.pages + lines.length,
  bytes: before.bytes + bytes,
  failures: before.failures + failures,
  cpuSeconds: before.cpuSeconds + cpuMicros / 1e6,
  wallSeconds: before.wallSeconds + wallMs / 1e3,
};
fs.writeFileSync(timingFile, JSON.stringify(timing, null, 2));
console.log(`${timing.peer}: ${lines.length} pages, ${(lines.length / (cpuMicros / 1e6)).toFixed(1)} pages/s (CPU), ${(lines.length / (wallMs / 1e3)).toFixed(1)} pages/s (wall), ${failures} failures`);
