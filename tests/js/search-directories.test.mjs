// readManifest: format 14 names term shards, format 15 directories of them (bulletins/search/build.py);
// every day a block of days.slots ids in each tier of days.tier ids, from days.start on, a block
// holding days.fill bulletins (bulletins/search/docids.py); in tiers an id's day by arithmetic,
// in one tier by the day runs.
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
  [14, false, "t/4e004e01", "t/4e024e034f1a"],
  [15, true, "t/dir-4e004e01", "t/dir-4e024e034f1a"],
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

for (const format of [3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, "15", undefined]) {
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
    const m = index.readManifest({ ...manifest(14), docs: 20, days });
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
    const m = index.readManifest({ ...manifest(14), docs: 16, days });
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
// in the second tier, 1,056-1,071; a slot is the place in the day's capacity. The manifest
// names the newest day and the widest capacity (two blocks), not each day's count.
const tiered = { first: "2024-01-01", last: "2024-01-03", slots: 16, fill: 12, start: 0, tier: 1024, widest: 32 };
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
    const m = index.readManifest({ ...manifest(14), docs: 20, days: tiered });
    const found = index.slotOf(m, id);
    assert.deepEqual([index.isoDay(found.day), found.slot], [day, slot]);
    assert.equal(m.days, null);
    assert.deepEqual([m.idSpan, m.widest], [48, 32]);
  });
}

// Ten days of 2024 before the oldest day (start 160, steps of 16): its ids from 160; an id
// before the oldest day or past the newest is of no day.
const later = { ...tiered, first: "2024-01-11", last: "2024-01-13", start: 160 };
for (const [id, day, slot] of [
  [160, "2024-01-11", 0],
  [192 + 5, "2024-01-13", 5],
  [1024 + 192 + 5, "2024-01-13", 21],
  [159, null, -1],
  [208, null, -1],
  [1024 + 159, null, -1],
]) {
  test(`in tiers from id 160: id ${id} is ${day === null ? "of no day" : `slot ${slot} of ${day}`}`, () => {
    const m = index.readManifest({ ...manifest(14), docs: 20, days: later });
    const found = index.slotOf(m, id);
    assert.deepEqual([found.day === null ? null : index.isoDay(found.day), found.slot], [day, slot]);
    assert.equal(m.idSpan, 208);
  });
}

test("in tiers: the day order runs by day, then slot, whatever the tier", () => {
  const m = index.readManifest({ ...manifest(14), docs: 20, days: tiered });
  const ids = [1024 + 32, 0, 47, 15, 32];
  const ordered = [...ids].sort((a, b) => index.dayOrder(m, a) - index.dayOrder(m, b));
  assert.deepEqual(ordered, [0, 15, 32, 47, 1024 + 32]);
});

// A date range gives the same first-tier ids in tiers as the day runs of one tier give for the
// same days (the runs' ids lie where the tiers' do: every day one block of 16, as no day here
// holds more than 12); between the two, only ids of days without bulletins differ.
const runsOf = { first: "2024-01-11", runs: "gjiiqj", slots: 16, fill: 12, start: 160 }; // days 11, 13 and 23
const tiersOf = { ...runsOf, runs: undefined, last: "2024-01-23", tier: 1024, widest: 16 };
const bulletinIds = [160, 170, 192, 193, 352, 354];
for (const [from, to] of [
  [null, null],
  ["2024-01-01", "2024-01-11"],
  ["2024-01-12", "2024-01-12"],
  ["2024-01-12", "2024-01-22"],
  ["2024-01-13", null],
  [null, "2024-01-13"],
  ["2024-01-24", null],
  [null, "2024-01-10"],
  ["2023-12-01", "2025-01-01"],
]) {
  test(`a date range ${from} .. ${to} keeps the same bulletins in tiers as in runs`, () => {
    const inRuns = index.readManifest({ ...manifest(14), docs: 6, days: runsOf });
    const inTiers = index.readManifest({ ...manifest(14), docs: 6, days: tiersOf });
    const kept = (m) => {
      const [lo, hi] = index.idRange(m, index.dayNumber(from), index.dayNumber(to));
      return bulletinIds.filter((id) => id >= lo && id < hi);
    };
    assert.deepEqual(kept(inTiers), kept(inRuns));
    assert.equal(inTiers.idSpan, inRuns.idSpan);
  });
}

test("an archive without bulletins: no id is of a day, every range empty", () => {
  const m = index.readManifest({ ...manifest(14), days: { first: null, last: null, slots: 16, start: 0, tier: 1024 } });
  assert.deepEqual(index.slotOf(m, 0), { day: null, slot: -1 });
  assert.deepEqual(index.idRange(m, null, null), [0, 0]);
});
