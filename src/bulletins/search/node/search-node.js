#!/usr/bin/env node
/*
 * Runs a built archive's own search scripts under Node, reading index files from disk.
 *
 *   node search-node.js CORE INDEX
 *
 * CORE is the site's search-core.js (its search-tokens.js and search-index.js beside it),
 * INDEX its search/ folder. Requests arrive on stdin, one JSON object per line:
 * {"id", "q", "opts", "fresh"}; each gets one answer line on stdout, in order:
 * {"id", "total", "results"} or {"id", "error"}. The query only ever travels inside JSON, so
 * no query (`--jsonl`, `-x`) can be taken for an argument. A request with "fresh": true runs
 * on a new engine (a cold start) and its answer lists the index files that search read:
 * "loaded": [[name, bytes], ...]. A request with "fields": ["sourceId", ...] gets results
 * with only those fields (a caller that checks ids reads a fraction of the bytes).
 *
 * Answers can be megabytes (`--limit 0` over a large archive): each is written whole before
 * the next request is read, and the process ends by itself when stdout has drained
 * (`process.exitCode`), never by `process.exit()`, which would cut a pipe short.
 */
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");
const vm = require("vm");
const zlib = require("zlib");

const USAGE = "usage: search-node.js CORE INDEX  (requests as JSON lines on stdin)\n";

/** A script's text as a browser decodes it: a UTF-16 byte-order mark wins (packed index
 * files are UTF-16, see bulletins/search/write.py), else UTF-8. */
function scriptText(bytes) {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString("utf16le", 2);
  return bytes.toString("utf8");
}

const REGISTER = "BulletinSearch.register(";
const REGISTER_END = ");\n";

/** The arguments of an index file that is one `BulletinSearch.register(name, data);` call
 * with JSON arguments, as bulletins/search/write.py writes them; null for any other script. */
function registerCall(text) {
  if (!text.startsWith(REGISTER) || !text.endsWith(REGISTER_END)) return null;
  try {
    const args = JSON.parse("[" + text.slice(REGISTER.length, -REGISTER_END.length) + "]");
    return args.length === 2 && typeof args[0] === "string" ? args : null;
  } catch {
    return null;
  }
}

/** Run an index file: a plain register call is parsed as JSON (a --limit 0 answer reads
 * thousands of result files, and compiling each as a script cost more than the search);
 * anything else runs as the script it is. */
function runIndexFile(core, text, url) {
  const call = registerCall(text);
  if (call) core.register(call[0], call[1]);
  else vm.runInThisContext(text, { filename: url });
}

function engineFor(corePath, indexDir, loaded) {
  const core = require(path.resolve(corePath));
  const base = path.resolve(indexDir) + path.sep;
  // Read at once: a search waits for its files anyway, and one synchronous read of a small
  // file costs a fraction of the open/stat/read/close round trips of fs.promises.readFile.
  const load = (url) =>
    new Promise((resolve) => {
      const bytes = fs.readFileSync(url);
      if (loaded) loaded.push([url.slice(base.length), bytes.length]);
      runIndexFile(core, scriptText(bytes), url);
      resolve();
    });
  // zlib at once, not DecompressionStream: that loads Node's fetch and web streams, most of
  // what a small search cost.
  const inflate = async (bytes) => zlib.inflateRawSync(bytes);
  return core.create({ base, load, inflate });
}

const message = (error) => String(error && error.message ? error.message : error);

/** Write `text` and resolve once the stream has taken all of it. */
function send(stream, text) {
  return new Promise((resolve, reject) => stream.write(text, (error) => (error ? reject(error) : resolve())));
}

/** The named fields of a result (those it has). */
function pick(result, fields) {
  const out = {};
  for (const name of fields) if (Object.prototype.hasOwnProperty.call(result, name)) out[name] = result[name];
  return out;
}

async function answer(line, corePath, indexDir, engine) {
  let request = {};
  try {
    request = JSON.parse(line);
    if (!request || typeof request !== "object" || typeof request.q !== "string") {
      throw new Error('a request is {"q": "...", "opts": {...}}');
    }
    const loaded = request.fresh ? [] : null;
    const target = request.fresh ? engineFor(corePath, indexDir, loaded) : engine;
    const reply = await target.search(request.q, request.opts || {});
    if (Array.isArray(request.fields)) reply.results = reply.results.map((r) => pick(r, request.fields));
    if (loaded) reply.loaded = loaded;
    return { id: request.id, ...reply };
  } catch (error) {
    return { id: request && request.id, error: message(error) };
  }
}

async function main(argv) {
  const [corePath, indexDir, extra] = argv;
  if (!corePath || !indexDir || extra !== undefined) {
    process.stderr.write(USAGE);
    return 2;
  }
  const engine = engineFor(corePath, indexDir);
  const lines = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const line of lines) {
    if (!line.trim()) continue;
    const reply = await answer(line, corePath, indexDir, engine);
    await send(process.stdout, JSON.stringify(reply) + "\n");
  }
  return 0;
}

module.exports = { scriptText, registerCall };

if (require.main === module) {
  process.stdout.on("error", (error) => {
    // The reader went away (a closed pipe): nobody is left to answer.
    if (error.code === "EPIPE") process.exitCode = 1;
  });
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      process.stderr.write("search: " + message(error) + "\n");
      process.exitCode = 1;
    }
  );
}
