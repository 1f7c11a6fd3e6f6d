// search-core.js on a small index built by the Python builder (tests/support/search_fixture.py).
import assert from "node:assert/strict";
import { test } from "node:test";

import { core, engine, fixture } from "./search-fixture.mjs";

const slugs = (answer) => answer.results.map((r) => r.sourceId);
const sorted = (list) => [...list].sort();

/** The fixture's bulletins whose folded title or rest contains the folded query. */
async function containing(query, fold) {
  const q = await fold(query);
  const out = [];
  for (const d of fixture().docs) {
    const rest = [d.body, (d.people || []).join("、"), (d.documents || []).map((t) => `《${t}》`).join("")].join("\n");
    if ((await fold(d.title)).includes(q) || (await fold(rest)).includes(q)) out.push(d.source_id);
  }
  return out;
}

const exactCases = [
  ["two_characters", "发展"],
  ["four_characters", "经济发展"],
  ["odd_length_chain", "渝中区人民政府"],
  ["one_character", "渝"],
  ["number_then_han", "2022年"],
  ["word_then_han", "G20峰会"],
  ["in_people_field", "张三丰"],
  ["in_documents_field", "推进改革的意见"],
  ["in_title_only", "发布会"],
  ["absent", "量子计算"],
];

for (const [name, query] of exactCases) {
  test(`exact substring: ${name} (${query})`, async () => {
    const e = engine();
    const answer = await e.search(query, { limit: 0 });
    assert.deepEqual(sorted(slugs(answer)), sorted(await containing(query, e.fold)));
    assert.equal(answer.total, answer.results.length);
  });
}

test("scattered characters never match: 发展改革 needs the characters in a row", async () => {
  const answer = await engine().search("发展改革", { limit: 0 });
  assert.equal(answer.total, 0); // scattered-chars has 发展, 展改 and 改革, but not 发展改革
});

test("one Han character between punctuation only has to occur in the bulletin (no edge index)", async () => {
  const answer = await engine().search("坚持发展，改", { limit: 0 });
  assert.deepEqual(slugs(answer), ["comma-between"]);
  const loose = await engine().search("发展，改", { limit: 0 });
  assert.ok(slugs(loose).includes("comma-between"));
});

test("Traditional input finds Simplified text and the other way round", async () => {
  const e = engine();
  const simplified = sorted(slugs(await e.search("经济发展", { limit: 0 })));
  assert.deepEqual(sorted(slugs(await e.search("經濟發展", { limit: 0 }))), simplified);
  assert.ok(simplified.includes("traditional-text"));
  assert.ok(simplified.includes("kuaixun-new"));
});

test("spaces mean AND", async () => {
  const e = engine();
  const both = await containing("经济", e.fold);
  const reform = await containing("改革", e.fold);
  const expected = both.filter((s) => reform.includes(s));
  assert.deepEqual(sorted(slugs(await e.search("经济 改革", { limit: 0 }))), sorted(expected));
  assert.deepEqual(sorted(expected), ["kuaixun-new", "scattered-chars"]);
});

test('"..." keeps the space: 会议 议程 apart, not 会议议程', async () => {
  const e = engine();
  assert.deepEqual(slugs(await e.search('"会议 议程"', { limit: 0 })), ["comma-between"]);
  assert.deepEqual(sorted(slugs(await e.search("会议 议程", { limit: 0 }))), sorted(["comma-between", "no-space"]));
});

test("filters: date range and category", async () => {
  const e = engine();
  const between = await e.search("会议", { limit: 0, from: "2023-06-01", to: "2024-01-15" });
  assert.deepEqual(sorted(slugs(between)), sorted(["comma-between", "no-space", "people-docs"]));
  const category = await e.search("会议", { limit: 0, category: "常务会议" });
  assert.deepEqual(sorted(slugs(category)), sorted(["comma-between", "people-docs"]));
  assert.equal((await e.search("会议", { category: "没有这个类别" })).total, 0);
  for (const r of between.results) assert.ok(r.date >= "2023-06-01" && r.date <= "2024-01-15");
});

test("snippets mark the query where it occurs, in the original script", async () => {
  const answer = await engine().search("经济发展", { limit: 0 });
  const traditional = answer.results.find((r) => r.sourceId === "traditional-text");
  assert.ok(traditional.snippet.marks.length > 0);
  for (const r of answer.results) {
    for (const [a, b] of r.snippet.marks) {
      const marked = r.snippet.text.slice(a, b);
      assert.ok(["经济发展", "經濟發展"].includes(marked), `${r.sourceId}: ${marked}`);
    }
  }
  assert.deepEqual(traditional.titleMarks, [[0, 4]]);
});

test("hostile text comes back as plain text (the UI escapes it)", async () => {
  const answer = await engine().search("经济发展字样", { limit: 0 });
  assert.deepEqual(slugs(answer), ["hostile"]);
  assert.equal(answer.results[0].title, "<img src=x onerror=alert(1)>");
  assert.ok(answer.results[0].snippet.text.includes("<script>alert(1)</script>"));
});

test("ranking: exact title first, newest first among equal titles, longer titles after", async () => {
  const answer = await engine().search("国内联播快讯", { limit: 0 });
  assert.deepEqual(slugs(answer), ["kuaixun-new", "kuaixun-old", "kuaixun-longer"]);
  assert.equal(answer.results[0].score, answer.results[1].score);
});

test("ranking: a pasted title with “” stays one phrase and finds that title first", async () => {
  const answer = await engine().search("举行“最美医生”见面会", { limit: 0 });
  assert.deepEqual(slugs(answer), ["quoted-title-new", "quoted-title-old"]);
  assert.equal(answer.results[0].score, answer.results[1].score);
});

test("ranking: a title match beats a body match", async () => {
  const answer = await engine().search("渝中区", { limit: 0 });
  assert.equal(answer.results[0].sourceId, "district");
});

test("sort by date lists newest first", async () => {
  const answer = await engine().search("经济发展", { limit: 0, sort: "date" });
  const dates = answer.results.map((r) => r.date);
  assert.deepEqual(dates, [...dates].sort().reverse());
});

test("a one-character query sorted by date: results described, newest first, paged", async () => {
  // its docs come from a decoded list (typed arrays) through only(), not from a phrase match
  const e = engine();
  const all = await e.search("议", { limit: 0, sort: "date" });
  assert.ok(all.total >= 3 && all.results.every((r) => typeof r.url === "string" && r.url.endsWith(".html")));
  const dates = all.results.map((r) => r.date);
  assert.deepEqual(dates, [...dates].sort().reverse());
  const page = await e.search("议", { limit: 2, offset: 1, sort: "date" });
  assert.deepEqual(slugs(page), slugs(all).slice(1, 3));
});

test("limit and offset page through the same ordering; limit 0 is everything", async () => {
  const e = engine();
  const all = slugs(await e.search("会议", { limit: 0 }));
  const first = await e.search("会议", { limit: 2 });
  const second = await e.search("会议", { limit: 2, offset: 2 });
  assert.equal(first.total, all.length);
  assert.deepEqual([...slugs(first), ...slugs(second)], all.slice(0, 4));
});

test("results do not depend on earlier queries", async () => {
  const used = engine();
  const queries = ["经济发展", "渝", "会议 议程", '"会议 议程"', "國內聯播快訊", "G20峰会", "发展改革"];
  const before = [];
  for (const q of queries) before.push(await used.search(q, { limit: 0 }));
  for (const q of [...queries].reverse()) await used.search(q, { limit: 1, category: "常务会议" });
  for (const [i, q] of queries.entries()) {
    assert.deepEqual(await used.search(q, { limit: 0 }), before[i], q);
    assert.deepEqual(await engine().search(q, { limit: 0 }), before[i], q);
  }
});

test("concurrent searches each get their own answer", async () => {
  const e = engine();
  const [a, b] = await Promise.all([e.search("渝中区", { limit: 0 }), e.search("经济发展", { limit: 0 })]);
  assert.deepEqual(a, await engine().search("渝中区", { limit: 0 }));
  assert.deepEqual(b, await engine().search("经济发展", { limit: 0 }));
});

test("a query loads only the shards and fragments it needs", async () => {
  const loaded = [];
  await engine(loaded).search("渝中区", { limit: 1 });
  const names = loaded.map((u) => u.split(/[\\/]search[\\/]/)[1]);
  assert.equal(names[0], "manifest.js");
  assert.equal(names.filter((n) => n.startsWith("f/")).length, 1);
});

test("empty and punctuation-only queries find nothing", async () => {
  const e = engine();
  assert.deepEqual(await e.search("", {}), { total: 0, results: [] });
  assert.deepEqual(await e.search("，。！", {}), { total: 0, results: [] });
});

test("categories come from the manifest", async () => {
  const names = (await engine().categories()).map((c) => c.name);
  assert.deepEqual(names, sorted(new Set(fixture().docs.map((d) => d.category))));
});

test("a missing index fails with a clear error", async () => {
  const { core } = await import("./search-fixture.mjs");
  const broken = core.create({ base: "/nonexistent/", load: () => Promise.reject(new Error("cannot load")) });
  await assert.rejects(broken.search("经济"), /cannot load/);
});

test("top-k selection equals a full sort (score down, then id down: newer), ties included", () => {
  let seed = 42;
  const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let round = 0; round < 50; round++) {
    const n = 1 + Math.floor(random() * 300);
    const docs = Array.from({ length: n }, (_, i) => i * 3 + Math.floor(random() * 3));
    const scores = docs.map(() => Math.floor(random() * 8) / 2);
    const full = docs.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || docs[b] - docs[a]);
    for (const k of [1, 5, 20, n]) assert.deepEqual(core.best(scores, docs, k), full.slice(0, k));
  }
});

// Keys from a query or from the index are looked up as the data's own, never on Object.prototype.
const PROTOTYPE_NAMES = ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf", "isPrototypeOf"];

for (const name of PROTOTYPE_NAMES) {
  test(`a query of a prototype name is an ordinary word: ${name}`, async () => {
    const e = engine();
    const alone = sorted(await containing(name, e.fold));
    const withExplanation = alone.filter((s) => s === "prototype-names"); // the one bulletin with 说明
    for (const [query, expected] of [[name, alone], [`"${name}"`, alone], [name.toUpperCase(), alone],
      [`${name} 说明`, withExplanation]]) {
      assert.deepEqual(sorted(slugs(await e.search(query, { limit: 0 }))), expected, query);
    }
  });

  test(`a category named like a prototype name matches nothing: ${name}`, async () => {
    assert.equal((await engine().search("说明", { limit: 0, category: name })).total, 0);
  });
}

test("the fixture has prototype names as words, and constructor is absent", async () => {
  const e = engine();
  assert.deepEqual(slugs(await e.search("toString", { limit: 0 })), ["prototype-names"]);
  assert.equal((await e.search("constructor", { limit: 0 })).total, 0);
});

test("index files may register under prototype names", async () => {
  const { IndexReader } = core.index;
  for (const name of PROTOTYPE_NAMES) {
    const reader = new IndexReader("", async () => core.register(name, { name }));
    assert.deepEqual(await reader.file(name), { name });
  }
  const missing = new IndexReader("", async () => {});
  await assert.rejects(missing.file("toLocaleString"), /toLocaleString\.js registered no data/);
});

test("index file names: UTF-16 units in hex and ISO days, as bulletins/search/write.py writes them", () => {
  const { unitsHex, isoDay, dayNumber } = core.index;
  assert.equal(unitsHex("中国"), "4e2d56fd");
  assert.equal(unitsHex("\u{20000}"), "d840dc00");
  assert.equal(unitsHex(""), "");
  for (const iso of ["1949-10-01", "2024-02-29", "2025-12-31"]) assert.equal(isoDay(dayNumber(iso)), iso);
});
