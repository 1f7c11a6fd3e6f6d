// The pure helpers of cite.js: the reader's date, the page's own URL, the one-line reference.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const cite = require(path.join(root, "theme", "static", "js", "cite.js"));

const dayCases = [
  [new Date(2026, 10, 30, 23, 59), "2026-11-30"],
  [new Date(2025, 0, 5, 0, 0), "2025-01-05"],
  [new Date(999, 11, 31), "999-12-31"],
];
for (const [date, expected] of dayCases) {
  test(`isoDay ${expected}`, () => assert.equal(cite.isoDay(date), expected));
}

const urlCases = [
  ["http", "../../../bulletins/2025/03/a.html", "http://127.0.0.1:8000/bulletins/2025/03/a.html?x=1#c", "http://127.0.0.1:8000/bulletins/2025/03/a.html"],
  ["file", "../../../bulletins/2025/03/a.html", "file:///media/usb/site/bulletins/2025/03/a.html", "file:///media/usb/site/bulletins/2025/03/a.html"],
  ["unpacked zip", "../../../bulletins/2025/03/a.html", "file:///tmp/%E5%85%AC%E6%8A%A5/data/bulletins/2025/03/a.html#top", "file:///tmp/%E5%85%AC%E6%8A%A5/data/bulletins/2025/03/a.html"],
];
for (const [name, href, base, expected] of urlCases) {
  test(`pageUrl over ${name}`, () => assert.equal(cite.pageUrl(href, base), expected));
}

test("oneLine collapses the spaces of the element's text", () => {
  assert.equal(cite.oneLine("\n  青溪区人民政府. 标题[EB/OL].\n (2025-03-12)[2026-11-30]. x.html.\n"), "青溪区人民政府. 标题[EB/OL]. (2025-03-12)[2026-11-30]. x.html.");
});
