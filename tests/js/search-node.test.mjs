// The terminal search's runner (src/bulletins/search/node/search-node.js): requests as JSON
// lines on stdin, one answer line each, in order.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { test } from "node:test";

import { fixture, root } from "./search-fixture.mjs";

const RUNNER = path.join(root, "src", "bulletins", "search", "node", "search-node.js");
const CORE = path.join(root, "theme", "static", "js", "search-core.js");

function run(lines, args = [CORE, path.join(fixture().dir, "search")]) {
  const done = spawnSync(process.execPath, [RUNNER, ...args], { input: lines.join("\n") + "\n", encoding: "utf8" });
  return { status: done.status, stderr: done.stderr, replies: done.stdout.split("\n").filter(Boolean).map(JSON.parse) };
}

const requestCases = [
  ["flag_like_query", { q: "--jsonl" }, (r) => r.total === 0 && r.results.length === 0],
  ["dash_query", { q: "-" }, (r) => r.total === 0],
  ["query_with_options", { q: "会议", opts: { limit: 1 } }, (r) => r.total > 1 && r.results.length === 1],
  ["prototype_name_query", { q: "constructor" }, (r) => r.total === 0],
  ["fresh_engine_lists_its_files", { q: "渝中区", fresh: true }, (r) => r.loaded[0][0] === "manifest.js"],
  ["query_not_a_string", { q: 5 }, (r) => /a request is/.test(r.error)],
  [
    "only_the_fields_asked_for",
    { q: "会议", opts: { limit: 0 }, fields: ["sourceId", "constructor"] },
    (r) => r.total === r.results.length && r.results.every((x) => Object.keys(x).join() === "sourceId"),
  ],
];

for (const [name, request, check] of requestCases) {
  test(`runner: ${name}`, () => {
    const { status, replies } = run([JSON.stringify({ id: 7, ...request })]);
    assert.equal(status, 0);
    assert.equal(replies.length, 1);
    assert.equal(replies[0].id, 7);
    assert.ok(check(replies[0]), JSON.stringify(replies[0]).slice(0, 300));
  });
}

test("runner: answers every request in order, a bad line included", () => {
  const { status, replies } = run(['{"id": 1, "q": "会议"}', "not json", "", '{"id": 3, "q": "渝中区"}']);
  assert.equal(status, 0);
  assert.deepEqual(replies.map((r) => r.id), [1, undefined, 3]);
  assert.ok(replies[1].error);
});

test("runner: a query is never an argument", () => {
  const { status, stderr, replies } = run(['{"q": "会议"}'], [CORE, path.join(fixture().dir, "search"), "--jsonl"]);
  assert.equal(status, 2);
  assert.match(stderr, /^usage: /);
  assert.deepEqual(replies, []);
});
