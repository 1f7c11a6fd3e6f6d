// matchOne (a phrase of one constraint: a two-character query) against matchPhrase on seeded
// lists: the same docs, counts and title flags.
import assert from "node:assert/strict";
import { test } from "node:test";

import { core } from "./search-fixture.mjs";
import { random } from "./seeded.mjs";

/** A sorted array of `n` distinct ids, gaps 1 to `spread`. */
function sortedIds(rand, n, spread) {
  const out = [];
  let id = -1;
  for (let i = 0; i < n; i++) out.push((id += 1 + Math.floor(rand() * spread)));
  return Int32Array.from(out);
}

/** A positional list of `n` docs: { docs, counts, start, pos }, positions ascending per doc. */
function list(rand, n) {
  const docs = sortedIds(rand, n, 40);
  const counts = [], start = [0], pos = [];
  for (let i = 0; i < n; i++) {
    const count = 1 + Math.floor(rand() * rand() * 6);
    let p = Math.floor(rand() * 300);
    for (let j = 0; j < count; j++) pos.push((p += 1 + Math.floor(rand() * 90)));
    counts.push(count);
    start.push(pos.length);
  }
  return { docs, counts: Int32Array.from(counts), start: Int32Array.from(start), pos: Int32Array.from(pos) };
}

for (const [seed, n, offset, phraseStart] of [
  [11, 0, 0, 0],
  [12, 1, 0, 0],
  [13, 50, 0, 0],
  [14, 3000, 0, 0],
  [15, 3000, 2, 0],
  [16, 3000, 3, 1],
]) {
  test(`matchOne gives matchPhrase's answer for one constraint (seed ${seed}, ${n} docs, offset ${offset})`, () => {
    const postings = list(random(seed), n);
    const span = 200;
    const one = core.matchOne(postings, offset - phraseStart, span);
    const m = core.matchPhrase([["键", offset]], [postings]);
    assert.ok(Array.isArray(one.docs), "docs a plain array: the engine maps them to scores");
    assert.deepEqual(one.docs, m.docs);
    assert.deepEqual(Array.from(one.tf), m.tf);
    assert.deepEqual(Array.from(one.title, Boolean), m.first.map((p) => p + phraseStart < span));
  });
}
