// Snippets fold only the head of a text where they can: what they show must equal folding the
// whole text code point by code point and marking every occurrence, as snippets always did.
import assert from "node:assert/strict";
import { test } from "node:test";

import { random } from "./seeded.mjs";
import { core, fixture } from "./search-fixture.mjs";

const BEFORE = 40; // search-core.js SNIPPET_BEFORE and SNIPPET_LENGTH
const LENGTH = 140;

/** Folding one code point at a time with the engine's own per-character fold. */
function referenceFold(folder, text) {
  let out = "";
  const starts = [];
  const ends = [];
  let at = 0;
  for (const ch of text) {
    const folded = folder.char(ch);
    for (let k = 0; k < folded.length; k++) {
      starts.push(at);
      ends.push(at + ch.length);
    }
    out += folded;
    at += ch.length;
  }
  return { text: out, starts, ends };
}

/** The snippet of the whole folded text: every occurrence of every part marked. */
function referenceSnippet(folder, text, parts) {
  const mapped = referenceFold(folder, text);
  const spans = [];
  for (const part of parts) {
    const needle = part.trim();
    if (!needle) continue;
    for (let at = mapped.text.indexOf(needle); at >= 0; at = mapped.text.indexOf(needle, at + 1)) {
      spans.push([mapped.starts[at], mapped.ends[at + needle.length - 1]]);
    }
  }
  const all = core.mergeRanges(spans);
  let start = all.length ? Math.max(0, all[0][0] - BEFORE) : 0;
  let end = Math.min(text.length, start + LENGTH);
  if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start])) start--;
  if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
  const head = start > 0 ? "…" : "";
  const shift = head.length - start;
  const marks = all
    .filter(([a, b]) => a < end && b > start)
    .map(([a, b]) => [Math.max(a, start) + shift, Math.min(b, end) + shift]);
  const tail = end < text.length ? "…" : "";
  return { text: head + text.slice(start, end).replace(/\n/g, " ") + tail, marks };
}

const filler = (n) => "区政府常务工作，推进项目建设。\n".repeat(Math.ceil(n / 16)).slice(0, n);

// [name, text, folded query parts]
const CASES = [
  ["match_at_start", "会议研究了经济发展。" + filler(3000), ["会议"]],
  ["match_at_end_of_a_long_text", filler(20000) + "召开常务会议", ["会议"]],
  ["match_past_the_first_head", filler(1500) + "招商引资会议" + filler(500), ["会议"]],
  ["second_match_past_the_cut", filler(1000) + "会议" + filler(30) + "会议" + filler(3000), ["会议"]],
  ["second_part_past_the_cut", filler(990) + "經濟" + filler(40) + "發展" + filler(3000), ["经济", "发展"]],
  ["match_astride_the_head", filler(1022) + "会议" + filler(3000), ["会议"]],
  ["traditional_text", "區政府召開常務會議，研究經濟發展。" + filler(2000) + "會議紀要", ["会议", "经济发展"]],
  ["two_parts_far_apart", "经济" + filler(5000) + "发展", ["经济", "发展"]],
  ["overlapping_parts", filler(50) + "常务会议" + filler(2000), ["常务会", "务会议"]],
  ["ellipsis_changes_lengths", "……" + filler(1200) + "……会议……" + filler(900), ["会议"]],
  ["ligature_and_full_width", "ﬁle ＡＢＣ会议 " + filler(2000) + "ＡＢＣ", ["abc"]],
  ["astral_han_before_the_match", "𠀋".repeat(600) + "会议" + filler(1500), ["会议"]],
  ["high_surrogate_at_the_cut", filler(1023) + "𠀋会议" + filler(2000), ["会议"]],
  ["surrogate_at_the_window_end", filler(60) + "会议" + filler(97) + "𠀋𠀋" + filler(2000), ["会议"]],
  ["lone_surrogate", "\ud800" + filler(1100) + "会议", ["会议"]],
  ["no_match_in_the_text", filler(9000), ["标题里的词"]],
  ["empty_text", "", ["会议"]],
  ["quoted_part_with_spaces", filler(1300) + "a b 会议" + filler(100), [" a b ", "会议"]],
  ["many_matches_in_the_window", filler(30) + "会议".repeat(80) + filler(2000), ["会议"]],
];

for (const [name, text, parts] of CASES) {
  test(`snippet: ${name}`, () => {
    const folder = new core.Folder(fixture().fold);
    assert.deepEqual(core.snippet(folder, text, parts), referenceSnippet(folder, text, parts));
  });
}

const PIECES = [..."会议經濟发展區工作，。…\n ＡaＢ①㈠ﬁ", "𠀋", "\ud800", "会议", "經濟發展"];

test("snippet: 300 fixed-seed texts of up to 12,000 units", () => {
  const folder = new core.Folder(fixture().fold);
  const next = random(20261130);
  const pick = () => PIECES[Math.floor(next() * PIECES.length)];
  for (let n = 0; n < 300; n++) {
    const pieces = Array.from({ length: Math.floor(next() * 6000) }, () => (next() < 0.97 ? "区" : pick()));
    const text = pieces.join("");
    const parts = [folder.fold(pick() + pick()), ...(next() < 0.3 ? [folder.fold(pick())] : [])];
    const label = JSON.stringify({ n, parts, length: text.length });
    assert.deepEqual(core.snippet(folder, text, parts), referenceSnippet(folder, text, parts), label);
  }
});

test("folding by code unit equals folding code point by code point", () => {
  const folder = new core.Folder(fixture().fold);
  const next = random(7);
  for (let n = 0; n < 200; n++) {
    const text = Array.from({ length: Math.floor(next() * 200) }, () => PIECES[Math.floor(next() * PIECES.length)]).join("");
    const ref = referenceFold(folder, text);
    const mapped = folder.foldMapped(text);
    assert.equal(folder.fold(text), ref.text, JSON.stringify(text));
    assert.equal(mapped.text, ref.text, JSON.stringify(text));
    assert.deepEqual(Array.from(ref.text, (_, i) => [mapped.start(i), mapped.end(i)]), Array.from(ref.text, (_, i) => [ref.starts[i], ref.ends[i]]));
  }
});
