// decodePostings against lists made here, in the varints bulletins/search/shards.py writes:
// a doc's head (its gap from the last doc * 2, + 1 when its count is not 1), its count when
// not 1, then (positional lists) its positions as gaps. Seeded lists, large ids included.
import assert from "node:assert/strict";
import { test } from "node:test";
import { createRequire } from "node:module";
import { random } from "./seeded.mjs";

const require = createRequire(import.meta.url);
const index = require("../../theme/static/js/search-index.js");

const MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
const LAST = "ghijklmnopqrstuvwxyz0123456789-_";

function varint(n) {
  let out = LAST[n % 32];
  for (n = Math.floor(n / 32); n > 0; n = Math.floor(n / 32)) out = MORE[n % 32] + out;
  return out;
}

/** A list of `size` docs: { docs, counts, positions (per doc, ascending), text }. */
function makeList(next, size, positional, widest) {
  const docs = [], counts = [], positions = [];
  let text = "", doc = -1;
  for (let i = 0; i < size; i++) {
    const gap = Math.floor(next() ** 4 * widest); // mostly small gaps, now and then a wide one
    doc += gap + 1;
    const count = next() < 0.6 ? 1 : 1 + Math.floor(next() * (next() < 0.1 ? 500 : 6));
    text += varint(gap * 2 + (count !== 1 ? 1 : 0)) + (count !== 1 ? varint(count) : "");
    docs.push(doc);
    counts.push(count);
    const at = [];
    for (let j = 0, p = 0; positional && j < count; j++) {
      const step = Math.floor(next() * 3000);
      at.push((p += step));
      text += varint(step);
    }
    positions.push(at);
  }
  return { docs, counts, positions, text };
}

const CASES = [
  { name: "one doc, id 0, count 1", size: 1, widest: 0 },
  { name: "a few docs", size: 7, widest: 50 },
  { name: "ten thousand docs", size: 10_000, widest: 400 },
  { name: "ids in the hundreds of millions (an archive in tiers)", size: 200, widest: 2 ** 31 / 200 },
];

for (const { name, size, widest } of CASES) {
  for (const positional of [true, false]) {
    test(`decodePostings, ${positional ? "positional" : "counts"}: ${name}`, () => {
      const made = makeList(random(size * 7 + (positional ? 1 : 0)), size, positional, widest);
      const list = index.decodePostings(made.text, positional);
      assert.deepEqual(Array.from(list.docs), made.docs);
      assert.deepEqual(Array.from(list.counts), made.counts);
      assert.equal(list.docs.length, size);
      if (!positional) return assert.equal(list.start, null);
      assert.equal(list.start.length, size + 1);
      made.positions.forEach((at, i) => assert.deepEqual(Array.from(list.pos.subarray(list.start[i], list.start[i + 1])), at));
    });
  }
}

test("decodePostings of an empty list: no docs", () => {
  const list = index.decodePostings("", true);
  assert.equal(list.docs.length, 0);
  assert.deepEqual(Array.from(list.start), [0]);
});
