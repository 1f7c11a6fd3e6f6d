// The pure helpers of reading.js (settings, the highlight fragment, shortcuts) and highlight.js
// (terms and ranges), and the result links of search-ui.js that carry the query.
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { test } from "node:test";

const require = createRequire(import.meta.url);
const js = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "theme", "static", "js");
const reading = require(path.join(js, "reading.js"));
const highlight = require(path.join(js, "highlight.js"));
const tokens = require(path.join(js, "search-tokens.js"));
const ui = require(path.join(js, "search-ui.js"));

const defaults = { size: "", theme: "", spacing: "", shortcuts: "" };

const settingCases = [
  ["nothing_stored", null, defaults],
  ["not_json", "{size:", defaults],
  ["an_array", '["large"]', defaults],
  ["every_setting", '{"size":"xlarge","theme":"contrast","spacing":"loose","shortcuts":"off"}',
    { size: "xlarge", theme: "contrast", spacing: "loose", shortcuts: "off" }],
  ["unknown_values_dropped", '{"size":"huge","theme":3,"spacing":"loose"}', { ...defaults, spacing: "loose" }],
  ["unknown_keys_ignored", '{"__proto__":{"size":"large"},"constructor":1,"theme":"dark"}', { ...defaults, theme: "dark" }],
];

for (const [name, raw, expected] of settingCases) {
  test(`parseSettings: ${name}`, () => {
    assert.deepEqual(reading.parseSettings(raw), expected);
  });
}

test("settingAttributes: a default removes its attribute", () => {
  assert.deepEqual(reading.settingAttributes({ ...defaults, size: "large" }), [
    ["data-text-size", "large"],
    ["data-theme", null],
    ["data-line-spacing", null],
    ["data-shortcuts", null],
  ]);
});

const linkCases = [
  ["plain", "file:///s/bulletins/a.html", "常务会议", "file:///s/bulletins/a.html#hl=%E5%B8%B8%E5%8A%A1%E4%BC%9A%E8%AE%AE"],
  ["spaces_and_quotes", "http://h/a.html", '渝中区 "5G 基站"', "http://h/a.html#hl=%E6%B8%9D%E4%B8%AD%E5%8C%BA+%225G+%E5%9F%BA%E7%AB%99%22"],
  ["replaces_a_fragment", "http://h/a.html#top", "a&b=c#d", "http://h/a.html#hl=a%26b%3Dc%23d"],
  ["empty_query_no_fragment", "http://h/a.html", "  ", "http://h/a.html"],
];

for (const [name, href, query, expected] of linkCases) {
  test(`withHighlight: ${name}`, () => {
    const link = reading.withHighlight(href, query);
    assert.equal(link, expected);
    assert.equal(reading.highlightQuery(new URL(link).hash), query.trim());
  });
}

for (const [hash, expected] of [["", ""], ["#content", ""], ["#hl=", ""], ["#hl=%E4%BC%9A+x", "会 x"], ["#x=1&hl=a", "a"]]) {
  test(`highlightQuery: ${JSON.stringify(hash)}`, () => assert.equal(reading.highlightQuery(hash), expected));
}

test("resultHref: a safe link carries the query, an unsafe one stays #", () => {
  assert.equal(ui.resultHref("bulletins/a.html", "file:///s/", "会议"), "file:///s/bulletins/a.html#hl=%E4%BC%9A%E8%AE%AE");
  assert.equal(ui.resultHref("javascript:alert(1)", "file:///s/", "会议"), "#");
});

const key = (k, extra = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, isComposing: false, ...extra });
const shortcutCases = [
  ["slash", key("/"), false, true, "search"],
  ["s_settings", key("s"), false, true, "settings"],
  ["n_next", key("n"), false, true, "next"],
  ["p_previous", key("p"), false, true, "previous"],
  ["escape", key("Escape"), false, true, "escape"],
  ["escape_with_shortcuts_off", key("Escape"), false, false, "escape"],
  ["letter_with_shortcuts_off", key("n"), false, false, ""],
  ["typing_in_a_field", key("/"), true, true, ""],
  ["escape_in_a_field", key("Escape"), true, true, ""],
  ["ctrl_n", key("n", { ctrlKey: true }), false, true, ""],
  ["alt_s", key("s", { altKey: true }), false, true, ""],
  ["input_method_composing", key("n", { isComposing: true }), false, true, ""],
  ["capital_n", key("N"), false, true, ""],
  ["other_letter", key("x"), false, true, ""],
];

for (const [name, event, typing, enabled, expected] of shortcutCases) {
  test(`shortcutAction: ${name}`, () => assert.equal(reading.shortcutAction(event, typing, enabled), expected));
}

const rangeCases = [
  ["none", "常务会议", ["营商"], []],
  ["every_occurrence", "会议会议，会议", ["会议"], [[0, 2], [2, 4], [5, 7]]],
  ["non_overlapping", "哈哈哈哈哈", ["哈哈"], [[0, 2], [2, 4]]],
  ["longest_where_two_start_together", "常务会议", ["常务", "常务会议"], [[0, 4]]],
  ["leftmost_first", "营商环境会议", ["会议", "营商"], [[0, 2], [4, 6]]],
  ["empty_term_ignored", "abc", ["", "b"], [[1, 2]]],
];

for (const [name, text, terms, expected] of rangeCases) {
  test(`findRanges: ${name}`, () => assert.deepEqual(highlight.findRanges(text, terms), expected));
}

const folder = new tokens.Folder({ from: "務會議創", to: "务会议创" });

test("queryTerms: parsed as the search parses, folded, distinct, longest first", () => {
  const terms = highlight.queryTerms('常務會議 "5G 基站" 会议 ， 常务会议', tokens.parseQuery, (p) => folder.fold(p));
  assert.deepEqual(terms, ["5g 基站", "常务会议", "会议"]);
});

const mappedCases = [
  ["traditional_text", "召開常務會議。", ["常务会议"], folder, [[2, 6]]],
  ["full_width_latin", "ＧＤＰ增长", ["gdp"], folder, [[0, 3]]],
  ["astral_characters_keep_offsets", "𠀀会议", ["会议"], folder, [[2, 4]]],
  ["exact_folder_misses_traditional", "常務會議", ["常务会议"], highlight.exactFolder, []],
  ["exact_folder_folds_case", "ＧＤＰ", ["gdp"], highlight.exactFolder, [[0, 3]]],
];

for (const [name, text, terms, f, expected] of mappedCases) {
  test(`rangesIn: ${name}`, () => assert.deepEqual(highlight.rangesIn(text, terms, f), expected));
}
