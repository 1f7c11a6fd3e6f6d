#!/usr/bin/env node
/*
 * Runs a built archive's own search-core.js under Node, reading index files from disk.
 *
 *   node search-node.js CORE INDEX QUERY [OPTIONS_JSON]   one search, its answer as JSON
 *   node search-node.js CORE INDEX --jsonl                  one {"q", "opts"} per stdin line,
 *                                                           one answer per stdout line
 * CORE is the site's search-core.js, INDEX its search/ folder.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const vm = require("vm");

function engineFor(corePath, indexDir) {
  const core = require(path.resolve(corePath));
  const load = (url) =>
    fs.promises.readFile(url, "utf8").then((code) => {
      vm.runInThisContext(code, { filename: url });
    });
  return core.create({ base: path.resolve(indexDir) + path.sep, load });
}

async function main(argv) {
  const [corePath, indexDir, query, optionsJson] = argv;
  if (!corePath || !indexDir || query === undefined) {
    process.stderr.write("usage: search-node.js CORE INDEX (QUERY [OPTIONS_JSON] | --jsonl)\n");
    return 2;
  }
  const engine = engineFor(corePath, indexDir);
  if (query !== "--jsonl") {
    const answer = await engine.search(query, JSON.parse(optionsJson || "{}"));
    process.stdout.write(JSON.stringify(answer) + "\n");
    return 0;
  }
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const request = JSON.parse(line);
    let reply;
    try {
      reply = await engine.search(request.q, request.opts || {});
    } catch (error) {
      reply = { error: String(error && error.message ? error.message : error) };
    }
    process.stdout.write(JSON.stringify(Object.assign({ id: request.id }, reply)) + "\n");
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error) => {
    process.stderr.write("search: " + (error && error.message ? error.message : error) + "\n");
    process.exit(1);
  }
);
