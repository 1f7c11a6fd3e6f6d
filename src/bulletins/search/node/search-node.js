#!/usr/bin/env node
/*
 * Runs a built archive's own search-core.js under Node, reading index files from disk.
 *
 *   node search-node.js CORE INDEX QUERY [OPTIONS_JSON]   one search, its answer as JSON
 *   node search-node.js CORE INDEX --jsonl                  one {"q", "opts"} per stdin line,
 *                                                           one answer per stdout line
 * In --jsonl mode a request with "fresh": true runs on a new engine (a cold start) and its
 * answer lists the index files that search read: "loaded": [[name, bytes], ...].
 * CORE is the site's search-core.js, INDEX its search/ folder.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const vm = require("vm");

/** A script's text as a browser decodes it: a UTF-16 byte-order mark wins (packed index
 * files are UTF-16, see bulletins/search/write.py), else UTF-8. */
function scriptText(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString("utf16le", 2);
  return bytes.toString("utf8");
}

function engineFor(corePath, indexDir, loaded) {
  const core = require(path.resolve(corePath));
  const base = path.resolve(indexDir) + path.sep;
  const load = (url) =>
    fs.promises.readFile(url).then((bytes) => {
      if (loaded) loaded.push([url.slice(base.length), bytes.length]);
      vm.runInThisContext(scriptText(bytes), { filename: url });
    });
  return core.create({ base, load });
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
      const loaded = request.fresh ? [] : null;
      const target = request.fresh ? engineFor(corePath, indexDir, loaded) : engine;
      reply = await target.search(request.q, request.opts || {});
      if (loaded) reply.loaded = loaded;
    } catch (error) {
      reply = { error: String(error && error.message ? error.message : error) };
    }
    process.stdout.write(JSON.stringify(Object.assign({ id: request.id }, reply)) + "\n");
  }
  return 0;
}

module.exports = { scriptText };

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      process.stderr.write("search: " + (error && error.message ? error.message : error) + "\n");
      process.exit(1);
    }
  );
}
