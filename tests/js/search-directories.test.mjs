// readManifest: format 4 names term shards, format 5 directories of them (bulletins/search/build.py).
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
  [4, false, "t/4e004e01", "t/4e024e034f1a"],
  [5, true, "t/dir-4e004e01", "t/dir-4e024e034f1a"],
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

for (const format of [3, 6, "5", undefined]) {
  test(`format ${String(format)} is refused`, () => {
    assert.throws(() => index.readManifest(manifest(format)), /search index: format/);
  });
}
