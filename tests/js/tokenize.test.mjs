// The tokenizer table shared with tests/test_tokenize.py, through search-core.js.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { core, engine, fixture, root } from "./search-fixture.mjs";

const { cases } = JSON.parse(readFileSync(path.join(root, "tests", "fixtures", "tokenize_cases.json"), "utf8"));

for (const c of cases) {
  test(`fold: ${c.name}`, () => {
    assert.equal(new core.Folder(fixture().fold).fold(c.input), c.folded);
  });
  test(`tokens: ${c.name}`, () => {
    assert.deepEqual(core.positionalTokens(c.folded), c.tokens);
  });
}

test("the index ships only the fold entries its text needs", async () => {
  const e = engine();
  assert.equal(await e.fold("經濟"), "经济"); // 经济 is in the fixture text
  assert.equal(await e.fold("乾隆"), "乾隆"); // neither 干 nor 乾 is: no entry, no answer either way
});

test("engine.tokenize folds then tokenizes", async () => {
  assert.deepEqual(await engine().tokenize("經濟2022"), [["经济", 0], ["济$", 1], ["2022", 2]]);
});
