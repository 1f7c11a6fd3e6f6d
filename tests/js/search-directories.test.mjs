// readManifest: format 12 names term shards, format 13 directories of them (bulletins/search/build.py);
// every day a block of days.slots ids in each tier of days.tier ids, from days.start on, a block
// holding days.fill bulletins (bulletins/search/docids.py).
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
  [12, false, "t/4e004e01", "t/4e024e034f1a"],
  [13, true, "t/dir-4e004e01", "t/dir-4e024e034f1a"],
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

for (const format of [3, 4, 5, 6, 7, 8, 9, 10, 11, 14, "13", undefined]) {
  test(`format ${String(format)} is refused`, () => {
    assert.throws(() => index.readManifest(manifest(format)), /search index: format/);
  });
}

// Varints: "g" 0, "i" 2, "j" 3, "x" 17. Day 1: 3 bulletins; two days on (one empty day
// between, a block of its own): 17 bulletins.
const dayCases = [
  [16, 0, [0, 16], [32, 64]],
  [16, 160, [160, 176], [192, 224]], // ten days of its year before the oldest day: ten blocks
  [32, 0, [0, 32], [64, 96]],
  [1, 0, [0, 3], [4, 21]], // steps of one: a day of 3 takes 3 ids, the empty day 1
  [undefined, undefined, [0, 3], [4, 21]], // no step given: steps of one, from 0
  [4, 0, [0, 4], [8, 28]],
];
for (const [slots, start, one, three] of dayCases) {
  test(`days in steps of ${String(slots)} from ${String(start)}: ids ${one}, ${three}`, () => {
    const days = { first: "2024-01-01", runs: "gjix", slots, start };
    const m = index.readManifest({ ...manifest(12), docs: 20, days });
    assert.deepEqual(
      m.days.map((run) => [index.isoDay(run.day), run.first, run.end, run.count]),
      [
        ["2024-01-01", ...one, 3],
        ["2024-01-03", ...three, 17],
      ]
    );
    assert.equal(m.idSpan, three[1]);
    assert.equal(m.docCount, 20);
  });
}

// A block of 16 ids holding 12 bulletins (days.fill): the day of 13 takes two blocks, 32 ids;
// without a fill a block holds 16 and the day takes one.
for (const [fill, three] of [
  [12, [32, 64]],
  [undefined, [32, 48]],
]) {
  test(`a block of 16 holding ${String(fill)}: a day of 13 takes ids ${three}`, () => {
    const days = { first: "2024-01-01", runs: "gjit", slots: 16, fill, start: 0 };
    const m = index.readManifest({ ...manifest(12), docs: 16, days });
    assert.deepEqual(
      m.days.map((run) => [run.first, run.end, run.count, run.capacity]),
      [
        [0, 16, 3, 16],
        [...three, 13, three[1] - three[0]],
      ]
    );
  });
}

// In tiers of 1,024 ids, steps of 16: day 1 (3 bulletins) ids 0-15, day 3 (17) ids 32-47 and,
// in the second tier, 1,056-1,071; a slot is the place in the day's capacity.
const tiered = { first: "2024-01-01", runs: "gjix", slots: 16, start: 0, tier: 1024 };
const slotCases = [
  [0, "2024-01-01", 0],
  [15, "2024-01-01", 15],
  [32, "2024-01-03", 0],
  [47, "2024-01-03", 15],
  [1024 + 32, "2024-01-03", 16],
  [1024 + 47, "2024-01-03", 31],
];
for (const [id, day, slot] of slotCases) {
  test(`in tiers: id ${id} is slot ${slot} of ${day}`, () => {
    const m = index.readManifest({ ...manifest(12), docs: 20, days: tiered });
    const found = index.slotOf(m, id);
    assert.deepEqual([index.isoDay(found.run.day), found.slot], [day, slot]);
    assert.deepEqual(
      m.days.map((run) => [run.first, run.end, run.capacity]),
      [
        [0, 16, 16],
        [32, 48, 32],
      ]
    );
    assert.equal(m.idSpan, 48);
  });
}

test("in tiers: the day order runs by day, then slot, whatever the tier", () => {
  const m = index.readManifest({ ...manifest(12), docs: 20, days: tiered });
  const ids = [1024 + 32, 0, 47, 15, 32];
  const ordered = [...ids].sort((a, b) => index.dayOrder(m, a) - index.dayOrder(m, b));
  assert.deepEqual(ordered, [0, 15, 32, 47, 1024 + 32]);
});
