/*
 * search-core.js: the one search implementation of the archive (browser, Node tests, terminal):
 * the query half (match, exact titles, rank, describe). It needs search-tokens.js (the
 * tokenizer) and search-index.js (the loader and decoder of the index files), loaded before
 * it by <script> tags, or by require() under Node.
 *
 * A classic script without DOM access: it completes the global `BulletinSearch` and, under
 * Node, sets `module.exports`.
 *
 *   const engine = BulletinSearch.create({
 *     base: "search/",              // URL of the index folder, relative to the page (ends in "/")
 *     load: (url) => Promise<void>, // runs the .js file at `url` (script tag, or read + eval in Node)
 *     inflate: (bytes) => Promise<Uint8Array>, // optional: raw DEFLATE (default: DecompressionStream)
 *   });
 *   await engine.ready();            // loads manifest.js (search() calls it too; call it early
 *                                    // to have the index's first file in before the first query)
 *   const page = await engine.search("渝中区 会议", {
 *     limit: 10, offset: 0,           // limit 0 = every result
 *     from: "2022-01-01", to: "2022-12-31",  // inclusive, either may be omitted
 *     category: "常务会议",           // exact category name, or omitted
 *     inForce: true,                  // leave out repealed (已废止) and expired (已失效) documents
 *     sort: "relevance",              // or "date" (newest first)
 *     snippets: false,                // leave out snippet and titleMarks (default: with them)
 *   });
 *   // page = { total, results: [{ id, url, title, date, category, score, sourceId, status,
 *   //                             snippet: { text, marks: [[start, end], ...] },
 *   //                             titleMarks: [[start, end], ...] }] }
 *   // url is relative to the site root ("bulletins/2022/02/x.html"); marks are UTF-16 offsets
 *   // into snippet.text (and title), end exclusive, sorted, not overlapping.
 *   await engine.categories();       // [{ name, count }] in manifest order
 *   await engine.tokenize("中華人民"); // the index tokens of a text, as the builder makes them
 *
 * Queries: spaces mean AND; "..." keeps its spaces literally (only the straight quote is
 * syntax: “” are text, so a pasted title stays one phrase). Each part matches only as an
 * exact substring of the folded text (NFKC, lowercase, Traditional -> Simplified), never as
 * scattered characters. A search never changes what a later search returns: loaded files are
 * cached read-only, and every search builds its own state.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  const isNode = typeof module === "object" && module && module.exports;
  /** A part loaded before this script (browser) or beside it (Node). */
  function part(name, file) {
    const found = isNode ? require(file) : root.BulletinSearch && root.BulletinSearch[name];
    if (!found) throw new Error(`search-core.js: load ${file} before it`);
    return found;
  }
  const tokens = part("tokens", "./search-tokens.js");
  const index = part("index", "./search-index.js");

  const K1 = 1.2; // BM25 term-frequency saturation (b = 0: bulletins are similar in length)
  const TITLE_WEIGHT = 2; // extra idf multiples for a part that starts in the title
  const EXACT_TITLE = 1000; // score of a title equal to the whole query, above any other
  const SNIPPET_BEFORE = 40; // UTF-16 units shown before the first mark
  const SNIPPET_LENGTH = 140;
  const SNIPPET_HEAD = 1024; // UTF-16 units of a text folded first to find its snippet
  const DEFAULT_LIMIT = 10;

  // --- matching ----------------------------------------------------------------------------
  function lowerBound(arr, lo, hi, value) {
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (arr[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Positions P in doc `i` of the base list where every other constraint sits at P + offset:
   * { tf, first (smallest P), atZero (P == 0 occurs) }. `slots[k]` is doc's index in list k. */
  function phraseHits(constraints, lists, order, i, slots) {
    const base = lists[order[0]];
    const baseOffset = constraints[order[0]][1];
    let tf = 0, first = -1, atZero = false;
    for (let j = base.start[i]; j < base.start[i + 1]; j++) {
      const p = base.pos[j] - baseOffset;
      let all = true;
      for (let k = 1; k < order.length && all; k++) {
        const other = lists[order[k]];
        const want = p + constraints[order[k]][1];
        const lo = other.start[slots[k]];
        const hi = other.start[slots[k] + 1];
        const at = lowerBound(other.pos, lo, hi, want);
        all = at < hi && other.pos[at] === want;
      }
      if (!all) continue;
      tf++;
      if (first < 0) first = p;
      if (p === 0) atZero = true;
    }
    return { tf, first, atZero };
  }

  /** Docs where every constraint sits at P + offset for one P; per doc the match count, the
   * smallest P, and whether P == 0 occurs (`atZero`). `lists[i]` is constraint i's postings. */
  function matchPhrase(constraints, lists) {
    const result = { docs: [], tf: [], first: [], atZero: [] };
    if (lists.some((list) => !list)) return result;
    const order = constraints.map((_, i) => i).sort((a, b) => lists[a].docs.length - lists[b].docs.length);
    const base = lists[order[0]];
    const cursors = order.map(() => 0);
    for (let i = 0; i < base.docs.length; i++) {
      const doc = base.docs[i];
      let ok = true;
      for (let k = 1; k < order.length && ok; k++) {
        const docs = lists[order[k]].docs;
        cursors[k] = lowerBound(docs, cursors[k], docs.length, doc);
        ok = docs[cursors[k]] === doc;
      }
      if (!ok) continue;
      const hit = phraseHits(constraints, lists, order, i, cursors);
      if (!hit.tf) continue;
      result.docs.push(doc);
      result.tf.push(hit.tf);
      result.first.push(hit.first);
      result.atZero.push(hit.atZero);
    }
    return result;
  }

  /** matchPhrase of one constraint, as a part: every doc of its list, its count of positions,
   * whether its first position less SHIFT (the constraint's offset from the phrase's first
   * character) is in the title (below SPAN). The docs as an array of its own: `run` maps them. */
  function matchOne(list, shift, span) {
    const n = list.docs.length;
    const title = new Uint8Array(n);
    for (let i = 0; i < n; i++) title[i] = list.pos[list.start[i]] - shift < span ? 1 : 0;
    return { docs: Array.from(list.docs), tf: list.counts, title };
  }

  /** A part's matches restricted to `docs` (sorted ids). */
  function only(part, docs) {
    const keep = new Set(docs);
    const out = { docs: [], tf: [], title: [] };
    part.docs.forEach((doc, i) => {
      if (!keep.has(doc)) return;
      out.docs.push(doc);
      out.tf.push(part.tf[i]);
      out.title.push(part.title[i]);
    });
    return out;
  }

  function intersect(a, b) {
    const out = [];
    let j = 0;
    for (const value of a) {
      j = lowerBound(b, j, b.length, value);
      if (b[j] === value) out.push(value);
    }
    return out;
  }

  /** Indexes of the `k` best hits, best first: higher score, then higher day order (`keys`:
   * newer). A heap keeps this O(n log k), so a one-character query over 100,000 bulletins stays fast. */
  function best(scores, keys, k) {
    const worse = (a, b) => scores[a] < scores[b] || (scores[a] === scores[b] && keys[a] < keys[b]);
    const heap = []; // heap[0] is the worst of the best k
    const swap = (a, b) => ([heap[a], heap[b]] = [heap[b], heap[a]]);
    const down = (i) => {
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < heap.length && worse(heap[l], heap[m])) m = l;
        if (r < heap.length && worse(heap[r], heap[m])) m = r;
        if (m === i) return;
        swap(i, m);
        i = m;
      }
    };
    for (let i = 0; i < scores.length && k > 0; i++) {
      if (heap.length < k) {
        heap.push(i);
        for (let c = heap.length - 1, p; c > 0 && worse(heap[c], heap[(p = (c - 1) >> 1)]); c = p) swap(c, p);
      } else if (worse(heap[0], i)) {
        heap[0] = i;
        down(0);
      }
    }
    return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
  }

  /** Indexes of the `k` highest `keys` (the newest), highest first. */
  function newestFirst(keys, k) {
    const all = keys.map((_, i) => keys.length - 1 - i); // keys ascending: the last is the newest
    if (keys.some((key, i) => i && key < keys[i - 1])) all.sort((a, b) => keys[b] - keys[a] || b - a);
    return all.slice(0, k);
  }

  // --- snippets ------------------------------------------------------------------------------
  /** Where the query parts occur in a text: [start, end) in the original text's UTF-16
   * units, sorted and merged. */
  function marks(mapped, texts) {
    const spans = [];
    for (const text of texts) {
      const core = text.trim();
      if (!core) continue;
      for (let at = mapped.text.indexOf(core); at >= 0; at = mapped.text.indexOf(core, at + 1)) {
        spans.push([mapped.start(at), mapped.end(at + core.length - 1)]);
      }
    }
    return mergeRanges(spans);
  }

  /** [start, end) ranges sorted, overlapping and touching ones merged (new arrays). */
  function mergeRanges(ranges) {
    const sorted = ranges.map((r) => [r[0], r[1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const merged = [];
    for (const range of sorted) {
      const last = merged[merged.length - 1];
      if (last && range[0] <= last[1]) last[1] = Math.max(last[1], range[1]);
      else merged.push(range);
    }
    return merged;
  }

  const LOW_SURROGATE = /[\uDC00-\uDFFF]/;
  const HIGH_SURROGATE = /[\uD800-\uDBFF]/;

  /** The marks of `text` a snippet needs (the first, all that start before its end), folding
   * its head in growing pieces: folding goes code point by code point and a part of n units
   * covers at most 2n of the text, so once the window plus that fits, the piece holds them. */
  function snippetMarks(folder, text, texts) {
    const longest = texts.reduce((n, t) => Math.max(n, t.trim().length), 0);
    for (let size = SNIPPET_HEAD; size < text.length; size *= 8) {
      const cut = HIGH_SURROGATE.test(text[size - 1]) ? size + 1 : size;
      const found = marks(folder.foldMapped(text.slice(0, cut)), texts);
      const end = found.length ? Math.max(0, found[0][0] - SNIPPET_BEFORE) + SNIPPET_LENGTH + 1 : cut;
      if (found.length && end + 2 * longest <= cut) return found;
    }
    return marks(folder.foldMapped(text), texts);
  }

  function snippet(folder, text, texts) {
    text = text || "";
    const all = snippetMarks(folder, text, texts);
    let start = all.length ? Math.max(0, all[0][0] - SNIPPET_BEFORE) : 0;
    let end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (start > 0 && LOW_SURROGATE.test(text[start])) start--;
    if (end < text.length && LOW_SURROGATE.test(text[end])) end++;
    const head = start > 0 ? "…" : "";
    const tail = end < text.length ? "…" : "";
    const shift = head.length - start;
    const inside = all
      .filter(([a, b]) => a < end && b > start)
      .map(([a, b]) => [Math.max(a, start) + shift, Math.min(b, end) + shift]);
    return { text: head + text.slice(start, end).replace(/\n/g, " ") + tail, marks: inside };
  }

  // --- the engine ----------------------------------------------------------------------------
  /** One query over a loaded index: what its parts match, ranked, a page described. */
  class Search {
    constructor(reader, folder, manifest) {
      this.reader = reader;
      this.folder = folder;
      this.manifest = manifest;
    }

    /** One query part -> { docs, tf, title (the match starts in the title) }. */
    async matchPart(plan) {
      const span = this.manifest.titleSpan;
      const [filtered, positioned] = await Promise.all([
        Promise.all(plan.filters.map((ch) => this.reader.postings(ch, false))),
        Promise.all(plan.constraints.map(([key]) => this.reader.postings(key, true))),
      ]);
      let part;
      if (plan.constraints.length === 1 && positioned[0]) {
        part = matchOne(positioned[0], plan.constraints[0][1] - plan.start, span);
      } else if (plan.constraints.length) {
        const m = matchPhrase(plan.constraints, positioned);
        part = { docs: m.docs, tf: m.tf, title: m.first.map((p) => p + plan.start < span) };
      } else {
        const list = filtered[0];
        part = { docs: list ? list.docs : [], tf: list ? list.counts : [], title: [] };
      }
      return filtered.reduce((p, list) => only(p, list ? list.docs : []), part);
    }

    /** Docs whose title is exactly the query: the phrase starts at the title's position 0
     * and the title's last token key is the query's (its title-end marker at the same offset). */
    async exactTitles(plan) {
      if (!plan || !plan.constraints.length || !plan.marker) return [];
      const constraints = [...plan.constraints, plan.marker];
      const lists = await Promise.all(constraints.map(([key]) => this.reader.postings(key, true)));
      const m = matchPhrase(constraints, lists);
      return m.docs.filter((_, i) => m.atZero[i]);
    }

    /** Scores of `docs` (BM25 with b = 0, plus title boosts), indexed like `docs`. */
    rank(parts, exact, docs) {
      const n = this.manifest.docCount;
      const scores = new Float64Array(docs.length); // both lists ascending: walked side by side
      let idfSum = 0;
      for (const part of parts) {
        const df = part.docs.length;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        idfSum += idf;
        for (let i = 0, j = 0; i < df && j < docs.length; i++) {
          const doc = part.docs[i];
          while (j < docs.length && docs[j] < doc) j++;
          if (docs[j] !== doc) continue;
          const tf = part.tf[i];
          scores[j++] += (idf * tf * (K1 + 1)) / (tf + K1) + (part.title[i] ? TITLE_WEIGHT * idf : 0);
        }
      }
      const exactly = new Set(exact);
      return docs.map((doc, j) => (exactly.has(doc) ? EXACT_TITLE + idfSum : scores[j]));
    }

    async run(query, opts) {
      const texts = tokens.parseQuery(query).map((p) => this.folder.fold(p));
      const plans = texts.map(tokens.phrasePlan).filter(Boolean);
      if (!plans.length) return { total: 0, results: [] };
      const whole = tokens.phrasePlan(this.folder.fold(tokens.wholeQuery(query)));
      const [parts, exact, inCategory] = await Promise.all([
        Promise.all(plans.map((plan) => this.matchPart(plan))),
        this.exactTitles(whole),
        opts.category ? this.reader.categoryDocs(String(opts.category)) : null,
      ]);
      let docs = parts.map((p) => p.docs).reduce(intersect);
      if (inCategory) docs = intersect(docs, inCategory);
      if (opts.inForce && this.manifest.notInForce.length) {
        const out = new Set(this.manifest.notInForce);
        docs = docs.filter((doc) => !out.has(doc));
      }
      // the first-tier ids (`firstTier`) of the days opts.from .. opts.to (a tier's ids run oldest first)
      const [lo, hi] = index.idRange(this.manifest, index.dayNumber(opts.from), index.dayNumber(opts.to));
      const tier = this.manifest.tier;
      const firstTier = tier ? (doc) => doc % tier : (doc) => doc;
      docs = docs.filter((doc) => {
        const at = firstTier(doc);
        return at >= lo && at < hi;
      });
      const scores = this.rank(parts, exact, docs);
      const offset = Math.max(0, opts.offset | 0);
      const limit = opts.limit === undefined || opts.limit === null ? DEFAULT_LIMIT : Math.max(0, opts.limit | 0);
      const end = limit ? Math.min(docs.length, offset + limit) : docs.length;
      const tiered = tier && this.manifest.widest > this.manifest.slots; // else every id is in the first tier
      const keys = tiered ? docs.map((doc) => index.dayOrder(this.manifest, doc)) : docs; // by day, then slot
      const order = opts.sort === "date" ? newestFirst(keys, end) : best(scores, keys, end);
      const page = order.slice(offset).map((i) => ({ id: docs[i], score: scores[i] }));
      return { total: docs.length, results: await this.describe(page, opts.snippets === false ? null : texts) };
    }

    /** Load result data for a page of hits: titles, URLs, and snippets unless `texts` is null. */
    describe(page, texts) {
      return Promise.all(
        page.map(async (hit) => {
          const row = await this.reader.row(hit.id);
          const result = {
            id: hit.id,
            url: row.url,
            title: row.title,
            date: row.date,
            category: row.category,
            sourceId: row.sourceId,
            status: row.status, // "" unless 已废止, 已失效 or 已修改
            score: Math.round(hit.score * 1000) / 1000,
          };
          if (texts) result.snippet = snippet(this.folder, row.text, texts);
          if (texts) result.titleMarks = marks(this.folder.foldMapped(row.title), texts);
          return result;
        })
      );
    }
  }

  function create(options) {
    const base = (options && options.base) || "search/";
    const load = options && options.load;
    if (typeof load !== "function") throw new TypeError("BulletinSearch.create: options.load(url) is required");
    const reader = new index.IndexReader(base, load, options.inflate);
    let loaded = null; // the Search of this index, once its manifest is in; never changed by a search
    const ready = () =>
      reader.ready().then((manifest) => {
        if (!loaded) loaded = new Search(reader, new tokens.Folder(manifest.fold), manifest);
        return loaded;
      });
    return {
      ready: () => ready().then((s) => s.manifest),
      search: (query, opts) => ready().then((s) => s.run(query, opts || {})),
      categories: () => ready().then((s) => s.manifest.categories.map(({ name, count }) => ({ name, count }))),
      tokenize: (text) => ready().then((s) => tokens.positionalTokens(s.folder.fold(String(text)))),
      fold: (text) => ready().then((s) => s.folder.fold(String(text))),
    };
  }

  const api = {
    create,
    register: index.register,
    version: index.FORMAT,
    // pure parts, for tests and tools
    Folder: tokens.Folder,
    positionalTokens: tokens.positionalTokens,
    phrasePlan: tokens.phrasePlan,
    parseQuery: tokens.parseQuery,
    decodeVarints: index.decodeVarints,
    unpackBytes: index.unpackBytes,
    best,
    matchOne,
    matchPhrase,
    mergeRanges,
    snippet,
    tokens,
    index,
  };
  root.BulletinSearch = Object.assign(root.BulletinSearch || {}, api);
  root.__bulletinsSearch = index.register;
  if (isNode) module.exports = api;
}
