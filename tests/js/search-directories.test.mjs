// readManifest: format 6 names term shards, format 7 directories of them (bulletins/search/build.py);
// each day's ids in steps of days.slots (bulletins/search/docids.py).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";

import { root } from "./search-fixture.mjs";

const require = createRequire(import.meta.url);
const index = require(path.join(root, "theme", "static", "js", "search-index.js"));

// Two entries: hash units U+4E00 U+4E01, bound "" (the first), then hash U+4E02 U+4E03, bound "会".
const LIST = "\u4e00\u4e01 \u4e02\u4e03会";
const manifest = (format) => ({ format, docs: 0, fold: {}, shards: LIST, categories: [], days: {}, titleSpan: 0 });

const cases = [
  [6, false, "t/4e004e01", "t/4e024e034f1a"],
  [7, true, "t/dir-4e004e01", "t/dir-4e024e034f1a"],
];

for (const [format, directories, first, second] of cases) {
  test(`format ${format}: ${directories ? "directories" : "shards"} named`, () => {
    const m = index.readManifest(manifest(format));
    assert.equal(m.directories, directories);
    assert.deepEqual(m.shardBounds, ["", "会"]);
    assert.equal(m.shardName(0), first);
    assert.equal(m.shardName(1), second);
  });
}

for (const format of [3, 4, 5, 8, "7", undefined]) {
  test(`format ${String(format)} is refused`, () => {
    assert.throws(() => index.readManifest(manifest(format)), /search index: format/);
  });
}

// Varints: "g" 0, "i" 2, "j" 3, "x" 17. Day 1: 3 bulletins; two days on: 17 bulletins.
const dayCases = [
  [16, [0, 16], 48],
  [1, [0, 3], 20], // steps of one: the ids of format 4
  [undefined, [0, 3], 20], // no step given: steps of one
  [4, [0, 4], 24],
];
for (const [slots, firsts, span] of dayCases) {
  test(`days in steps of ${String(slots)}: first ids ${firsts}, span ${span}`, () => {
    const m = index.readManifest({ ...manifest(6), docs: 20, days: { first: "2024-01-01", runs: "gjix", slots } });
    assert.deepEqual(
      m.days.map((run) => [index.isoDay(run.day), run.first, run.end, run.count]),
      [
        ["2024-01-01", firsts[0], firsts[1], 3],
        ["2024-01-03", firsts[1], span, 17],
      ]
    );
    assert.equal(m.idSpan, span);
    assert.equal(m.docCount, 20);
  });
}
