// Builds the fixture index once (tests/support/search_fixture.py) and opens engines on it.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import vm from "node:vm";

const here = path.dirname(fileURLToPath(import.meta.url));
export const root = path.resolve(here, "..", "..");
const require = createRequire(import.meta.url);
export const core = require(path.join(root, "theme", "static", "js", "search-core.js"));
// How the terminal search decodes an index file (packed ones are UTF-16 with a byte-order mark).
const { scriptText } = require(path.join(root, "src", "bulletins", "search", "node", "search-node.js"));

let built = null;

/** The fixture folder: { dir, docs, fold (the whole fold map) } (built on first use). */
export function fixture() {
  if (built) return built;
  const dir = mkdtempSync(path.join(tmpdir(), "search-core-"));
  // The folder goes with the test process, so a run leaves nothing in the temporary folder.
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  const python = process.env.PYTHON || "python";
  const run = spawnSync(python, [path.join(root, "tests", "support", "search_fixture.py"), dir], { encoding: "utf8" });
  if (run.status !== 0) throw new Error("fixture build failed: " + run.stderr);
  const json = (name) => JSON.parse(readFileSync(path.join(dir, name), "utf8"));
  built = { dir, docs: json("docs.json"), fold: json("fold.json") };
  return built;
}

/** A fresh engine over the fixture index; `loaded` records every file it reads. */
export function engine(loaded = []) {
  const { dir } = fixture();
  return core.create({
    base: path.join(dir, "search") + path.sep,
    load: async (url) => {
      loaded.push(url);
      vm.runInThisContext(scriptText(readFileSync(url)), { filename: url });
    },
  });
}
