// Folding reads a text once and replaces only the code points that may change: the result
// and the position map must equal folding one code point at a time, for every kind of text.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { random } from "./seeded.mjs";
import { core, fixture, root } from "./search-fixture.mjs";

const { cases } = JSON.parse(readFileSync(path.join(root, "tests", "fixtures", "tokenize_cases.json"), "utf8"));

// Simplified and Traditional Han, ASCII of both cases, full-width forms, ligatures and
// circled numbers (NFKC expands them), ideographic space, an astral Han and a lone surrogate.
const PIECES = [..."区政府會議常务會議经济發展ABCxyz09 ，。「」ＡＢＣ１２３ﬁ㈠①\u3000\u00a0\n", "𠀋", "\ud800", "Ⅻ", "ß"];

function randomText(next, length) {
  let text = "";
  for (let i = 0; i < length; i++) text += PIECES[Math.floor(next() * PIECES.length)];
  return text;
}

function mapOf(mapped) {
  return { text: mapped.text, at: Array.from(mapped.text, (_, i) => [mapped.start(i), mapped.end(i)]) };
}

test("foldMapped equals folding code point by code point", () => {
  const folder = new core.Folder(fixture().fold);
  const next = random(20241130);
  const texts = [...cases.map((c) => c.input), ...Array.from({ length: 400 }, () => randomText(next, 1 + Math.floor(next() * 40)))];
  for (const text of texts) {
    assert.deepEqual(mapOf(folder.foldMapped(text)), mapOf(folder.foldMappedByChar(text)), JSON.stringify(text));
    assert.equal(folder.fold(text), folder.foldMappedByChar(text).text, JSON.stringify(text));
  }
});

test("a text of Simplified Han and lowercase words maps each unit to itself", () => {
  const mapped = new core.Folder(fixture().fold).foldMapped("区政府常务会议abc2024");
  assert.equal(mapped.text, "区政府常务会议abc2024");
  assert.deepEqual([mapped.start(3), mapped.end(3)], [3, 4]);
});
