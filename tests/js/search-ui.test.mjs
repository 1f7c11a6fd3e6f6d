// The pure helpers of search-ui.js (the URL <-> form state, result links, highlight ranges).
import assert from "node:assert/strict";
import { createRequire } from "node:module";
import path from "node:path";
import { test } from "node:test";

import { core, root } from "./search-fixture.mjs";

const require = createRequire(import.meta.url);
const ui = require(path.join(root, "theme", "static", "js", "search-ui.js"));
const view = require(path.join(root, "theme", "static", "js", "search-view.js"));

const empty = { q: "", from: "", to: "", category: "", sort: "", inforce: "" };

const stateCases = [
  ["nothing", "", empty],
  ["query_trimmed", "?q=%20%E4%BC%9A%E8%AE%AE%20", { ...empty, q: "会议" }],
  ["plus_is_a_space", "?q=%E6%B8%9D%E4%B8%AD%E5%8C%BA+%E4%BC%9A%E8%AE%AE", { ...empty, q: "渝中区 会议" }],
  ["every_filter", "?q=a&from=2022-01-01&to=2022-12-31&category=%E5%B8%B8%E5%8A%A1%E4%BC%9A%E8%AE%AE&sort=date",
    { q: "a", from: "2022-01-01", to: "2022-12-31", category: "常务会议", sort: "date", inforce: "" }],
  ["in_force_only", "?q=a&inforce=1", { ...empty, q: "a", inforce: "1" }],
  ["in_force_other_value_ignored", "?q=a&inforce=yes", { ...empty, q: "a" }],
  ["unknown_sort_is_relevance", "?q=a&sort=oldest", { ...empty, q: "a" }],
  ["unknown_keys_ignored", "?q=a&page=3&constructor=1&__proto__=x", { ...empty, q: "a" }],
  ["prototype_names_as_values", "?q=constructor&category=__proto__", { ...empty, q: "constructor", category: "__proto__" }],
  ["hostile_query_kept_as_text", "?q=%3Cimg%20src%3Dx%3E", { ...empty, q: "<img src=x>" }],
];

const dayCases = [  // a date as typed or linked -> the YYYY-MM-DD the engine compares, "" to ignore it
  ["2023-01-05", "2023-01-05"], ["2023-1-5", "2023-01-05"], ["2023/1/5", "2023-01-05"], ["2023.1.5", "2023-01-05"],
  ["20230105", "2023-01-05"], ["2023年1月5日", "2023-01-05"], [" 2024-02-29 ", "2024-02-29"],
  ["2023-02-30", ""], ["20231301", ""], ["2023/1-5", ""], ["2023-W01-1", ""], ["昨天", ""], ["", ""],
  ["0050-03-01", "0050-03-01"], ["0099/12/31", "0099-12-31"], ["0000-02-29", "0000-02-29"], ["1900-02-29", ""],
];
for (const [typed, day] of dayCases) {
  test(`isoDay: ${JSON.stringify(typed)}`, () => assert.equal(ui.isoDay(typed), day));
}

test("readState: dates in the address are read as days, and a date that is none is dropped", () => {
  assert.deepEqual(ui.readState("?q=a&from=20230105&to=2023-02-30"), { ...empty, q: "a", from: "2023-01-05" });
});

for (const [name, search, expected] of stateCases) {
  test(`readState: ${name}`, () => {
    assert.deepEqual(ui.readState(search), expected);
  });
  test(`stateQuery reverses readState: ${name}`, () => {
    assert.deepEqual(ui.readState(ui.stateQuery(expected)), expected);
  });
}

const queryCases = [
  ["empty_state_is_no_query", empty, ""],
  ["only_set_fields", { ...empty, q: "会议", sort: "date" }, "?q=%E4%BC%9A%E8%AE%AE&sort=date"],
  ["filters_in_a_fixed_order", { q: "a", category: "c", from: "f", to: "t", sort: "" }, "?q=a&from=f&to=t&category=c"],
  ["filters_without_query", { ...empty, category: "新闻" }, "?category=%E6%96%B0%E9%97%BB"],
];

for (const [name, state, expected] of queryCases) {
  test(`stateQuery: ${name}`, () => {
    assert.equal(ui.stateQuery(state), expected);
  });
}

const SITE = "http://127.0.0.1:8000/archive/";
const hrefCases = [
  ["relative_article", "bulletins/2022/02/x.html", SITE, `${SITE}bulletins/2022/02/x.html`],
  ["file_site", "bulletins/x.html", "file:///media/usb/archive/", "file:///media/usb/archive/bulletins/x.html"],
  ["https_absolute", "https://example.org/a.html", SITE, "https://example.org/a.html"],
  ["javascript_url", "javascript:alert(1)", SITE, "#"],
  ["javascript_mixed_case_and_space", " JavaScript:alert(1)", SITE, "#"],
  ["data_url", "data:text/html,<script>alert(1)</script>", SITE, "#"],
  ["vbscript_url", "vbscript:msgbox(1)", SITE, "#"],
  ["unparsable", "http://[::1", SITE, "#"],
  ["prototype_name_protocol", "constructor:x", SITE, "#"],
  ["proto_is_a_relative_path", "__proto__:x", SITE, `${SITE}__proto__:x`],
  ["not_a_string", 42, SITE, `${SITE}42`],
];

for (const [name, url, siteRoot, expected] of hrefCases) {
  test(`safeHref: ${name}`, () => {
    assert.equal(ui.safeHref(url, siteRoot), expected);
  });
}

const markCases = [
  ["none", "会议纪要", undefined, []],
  ["pairs_kept", "会议纪要全文", [[0, 2], [4, 6]], [[0, 2], [4, 6]]],
  ["unsorted_sorted", "会议纪要全文", [[4, 6], [0, 2]], [[0, 2], [4, 6]]],
  ["overlapping_merged", "会议纪要全文", [[0, 3], [2, 5]], [[0, 5]]],
  ["touching_merged", "会议纪要全文", [[0, 2], [2, 4]], [[0, 4]]],
  ["contained_merged", "会议纪要全文", [[0, 6], [2, 3]], [[0, 6]]],
  ["objects_accepted", "会议纪要", [{ start: 1, end: 3 }], [[1, 3]]],
  ["clamped_to_text", "会议", [[-5, 1], [1, 99]], [[0, 2]]],
  ["empty_and_reversed_dropped", "会议纪要", [[2, 2], [3, 1]], []],
  ["garbage_dropped", "会议纪要", [["a", "b"], null, [1, 2]], [[1, 2]]],
];

for (const [name, text, marks, expected] of markCases) {
  test(`markRanges: ${name}`, () => {
    assert.deepEqual(ui.markRanges({ text, marks }), expected);
  });
}

test("markRanges leaves the snippet's own marks untouched", () => {
  const marks = [[2, 5], [0, 3]];
  ui.markRanges({ text: "会议纪要全文", marks });
  assert.deepEqual(marks, [[2, 5], [0, 3]]);
});

test("the highlight ranges have one merge: search-core's", () => {
  assert.deepEqual(core.mergeRanges([[3, 4], [0, 2], [1, 3]]), [[0, 4]]);
  assert.deepEqual(ui.markRanges({ text: "abcd", marks: [[3, 4], [0, 2], [1, 3]] }), core.mergeRanges([[3, 4], [0, 2], [1, 3]]));
});

test("search-ui.js exports search-view.js's helpers, not copies of them", () => {
  for (const name of ["readState", "stateQuery", "safeHref", "resultHref", "markRanges", "PAGE_SIZE", "FILTERS"]) {
    assert.equal(ui[name], view[name], name);
  }
});

const optionCases = [
  ["query_only", { ...empty, q: "会议" }, 0, { limit: 10, offset: 0, sort: "relevance" }],
  ["next_page", { ...empty, q: "会议" }, 10, { limit: 10, offset: 10, sort: "relevance" }],
  ["by_date", { ...empty, q: "会议", sort: "date" }, 0, { limit: 10, offset: 0, sort: "date" }],
  ["date_range_and_category", { ...empty, q: "会议", from: "2022-01-01", to: "2022-12-31", category: "常务会议" }, 0,
    { limit: 10, offset: 0, sort: "relevance", from: "2022-01-01", to: "2022-12-31", category: "常务会议" }],
  ["open_ended_range", { ...empty, q: "会议", to: "2022-12-31" }, 0, { limit: 10, offset: 0, sort: "relevance", to: "2022-12-31" }],
  ["in_force_only", { ...empty, q: "会议", inforce: "1" }, 0, { limit: 10, offset: 0, sort: "relevance", inForce: true }],
];

for (const [name, state, offset, expected] of optionCases) {
  test(`searchOptions: ${name}`, () => {
    assert.deepEqual(view.searchOptions(state, offset), expected);
  });
}
