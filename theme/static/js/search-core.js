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
 *   await engine.ready();            // loads manifest.js (search() calls it too; call it early
 *                                    // to have the index's first file in before the first query)
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
 * Queries: spaces mean AND; "..." keeps its spaces literally (only the straight quote is
 * syntax: “” are text, so a pasted title stays one phrase). Each part matches only as an
 * exact substring of the folded text (NFKC, lowercase, Traditional -> Simplified), never as
 * scattered characters. A search never changes what a later search returns: loaded files are
 * cached read-only, and every search builds its own state.
 */
(function (root) {
  "use strict";

  var FORMAT = 3; // the index format of bulletins/search/build.py
  var K1 = 1.2;
  var EXACT_TITLE = 1000;
  var SNIPPET_BEFORE = 40;
  var SNIPPET_LENGTH = 140;
  var registry = Object.create(null);

  function register(name, data) {
    registry[name] = data;
  }

  // --- varints (see bulletins/search/shards.py) ----------------------------------------------
  var MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
  var LAST = "ghijklmnopqrstuvwxyz0123456789-_";
  var DIGIT = new Int16Array(128).fill(-1);
  for (var d = 0; d < 32; d++) {
    DIGIT[MORE.charCodeAt(d)] = d;
    DIGIT[LAST.charCodeAt(d)] = 32 + d;
  }

  function decodeVarints(text) {
    var out = [];
    var current = 0;
    for (var i = 0; i < text.length; i++) {
      var v = DIGIT[text.charCodeAt(i)];
      if (v >= 32) {
        out.push(current * 32 + v - 32);
        current = 0;
      } else current = current * 32 + v;
    }
    return out;
  }

  /** A posting list: docs ascending; counts; for positional keys, positions of doc i in
   * pos[start[i] .. start[i + 1]). One pass over the varints (the lists of common bigrams
   * hold hundreds of thousands of numbers, and a first query runs this code cold); every
   * number takes at least one character, so `text.length` bounds the positions. */
  function decodePostings(text, positional) {
    var docs = [], counts = [], start = [0];
    var pos = positional ? new Int32Array(text.length) : null, used = 0;
    var doc = -1, i = 0, n = text.length, v, value;
    while (i < n) {
      value = 0;
      while ((v = DIGIT[text.charCodeAt(i++)]) < 32) value = value * 32 + v;
      var head = value * 32 + v - 32;
      doc += (head >>> 1) + 1;
      var count = 1;
      if (head & 1) {
        value = 0;
        while ((v = DIGIT[text.charCodeAt(i++)]) < 32) value = value * 32 + v;
        count = value * 32 + v - 32;
      }
      docs.push(doc);
      counts.push(count);
      if (positional) {
        for (var j = 0, p = 0; j < count; j++) {
          value = 0;
          while ((v = DIGIT[text.charCodeAt(i++)]) < 32) value = value * 32 + v;
          pos[used++] = p += value * 32 + v - 32;
        }
        start.push(used);
      }
    }
    return { docs: docs, counts: counts, start: start, pos: pos };
  }

  // --- tokenizer (twin of bulletins/tokenize.py; both pass tests/fixtures/tokenize_cases.json)
  var HAN = [
    [0x3007, 0x3007], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff],
    [0x20000, 0x2a6df], [0x2a700, 0x2ebef], [0x2f800, 0x2fa1f], [0x30000, 0x323af],
  ];
  var LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

  function isHan(ch) {
    var code = ch.codePointAt(0);
    for (var i = 0; i < HAN.length; i++) if (code >= HAN[i][0] && code <= HAN[i][1]) return true;
    return false;
  }

  /** "han", "word" or null (a separator) for one code point. */
  function charClass(ch) {
    if (isHan(ch)) return "han";
    return LETTER_OR_DIGIT.test(ch) ? "word" : null;
  }

  function Folder(data) {
    var from = Array.from(data.from), to = Array.from(data.to);
    this.map = new Map();
    for (var i = 0; i < from.length; i++) this.map.set(from[i], to[i]);
    this.cache = new Map();
  }

  /** NFKC + lowercase + Traditional -> Simplified of one code point (a pure function; the
   * cache only remembers answers). */
  Folder.prototype.char = function (ch) {
    var hit = this.cache.get(ch);
    if (hit !== undefined) return hit;
    var map = this.map;
    var folded = Array.from(ch.normalize("NFKC").toLowerCase(), function (c) {
      var m = map.get(c);
      return m === undefined ? c : m;
    }).join("");
    this.cache.set(ch, folded);
    return folded;
  };

  Folder.prototype.fold = function (text) {
    var out = "";
    for (var ch of text) out += this.char(ch);
    return out;
  };

  /** The folded text plus, for each of its UTF-16 units, the original [start, end). */
  Folder.prototype.foldMapped = function (text) {
    var out = "", starts = [], ends = [], i = 0;
    for (var ch of text) {
      var f = this.char(ch);
      for (var k = 0; k < f.length; k++) {
        starts.push(i);
        ends.push(i + ch.length);
      }
      out += f;
      i += ch.length;
    }
    return { text: out, starts: starts, ends: ends };
  };

  /** Runs of a folded text: [{ type: "han"|"word", chars: [code points], at }], `at` in
   * code points; `joined` is true when the run starts right where the previous one ends. */
  function runs(folded) {
    var out = [], current = null, at = 0, end = -1;
    for (var ch of folded) {
      var type = charClass(ch);
      if (type && current && current.type === type) current.chars.push(ch);
      else if (type) out.push((current = { type: type, chars: [ch], at: at, joined: end === at }));
      else current = null;
      at++;
      if (type) end = at;
    }
    return out;
  }

  /** [key, position] for every bigram, word-side run edge and word of a folded text. */
  function positionalTokens(folded) {
    var out = [], rs = runs(folded);
    rs.forEach(function (run, r) {
      var c = run.chars, n = c.length;
      if (run.type === "word") return out.push([c.join(""), run.at]);
      if (run.joined) out.push(["^" + c[0], run.at]);
      for (var i = 0; i + 1 < n; i++) out.push([c[i] + c[i + 1], run.at + i]);
      if (r + 1 < rs.length && rs[r + 1].joined) out.push([c[n - 1] + "$", run.at + n - 1]);
    });
    return out;
  }

  // --- queries -----------------------------------------------------------------------------
  /** Split a query into parts: whitespace separates, "..." keeps spaces. Only the ASCII
   * (or full-width) straight quote is syntax: “” and 「」 are text, as in pasted titles. */
  function parseQuery(query) {
    var parts = [], re = /["＂]([^"＂]*)["＂]?|([^\s"＂]+)/g, m;
    while ((m = re.exec(String(query || "")))) {
      var part = m[1] !== undefined ? m[1] : m[2];
      if (part) parts.push(part);
    }
    return parts;
  }

  /** The query as one phrase, for the exact-title check: enclosing quotes dropped. */
  function wholeQuery(query) {
    var q = String(query || "").trim();
    var m = /^["＂]([^"＂]*)["＂]$/.exec(q);
    return m ? m[1] : q;
  }

  /** What the index must hold for a folded phrase to occur: [key, offset] constraints on
   * positions (offsets in code points from the phrase's first character), plus `filters`,
   * single Han characters between punctuation, which only have to occur in the bulletin.
   * A one-character phrase is one filter. `marker` is the title-end key a title equal to
   * the phrase carries (its last key + "#", at its last character; see build.py). Returns null without tokens. */
  function phrasePlan(folded) {
    var rs = runs(folded);
    if (!rs.length) return null;
    var constraints = [], filters = [];
    rs.forEach(function (run, r) {
      var c = run.chars, n = c.length, next = rs[r + 1];
      if (run.type === "word") return constraints.push([c.join(""), run.at]);
      if (n === 1) {
        if (run.joined) constraints.push(["^" + c[0], run.at]);
        if (next && next.joined) constraints.push([c[0] + "$", run.at]);
        if (!run.joined && !(next && next.joined)) filters.push(c[0]);
        return;
      }
      for (var i = 0; i + 1 < n; i += 2) constraints.push([c[i] + c[i + 1], run.at + i]);
      if (n % 2 === 1) constraints.push([c[n - 2] + c[n - 1], run.at + n - 2]);
    });
    var marker = null, last = rs[rs.length - 1];
    positionalTokens(folded).forEach(function (t) {
      if (t[0].slice(-1) !== "$") marker = [t[0] + "#", last.at + last.chars.length - 1];
    });
    return { constraints: constraints, filters: filters, start: rs[0].at, marker: marker };
  }

  // --- matching ----------------------------------------------------------------------------
  function lowerBound(arr, lo, hi, value) {
    while (lo < hi) {
      var mid = (lo + hi) >>> 1;
      if (arr[mid] < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Docs where every constraint sits at P + offset for one P; per doc the match count, the
   * smallest P, and whether P == 0 occurs (`atZero`). `lists[i]` is constraint i's postings. */
  function matchPhrase(constraints, lists) {
    var result = { docs: [], tf: [], first: [], atZero: [] };
    if (lists.some(function (l) { return !l; })) return result;
    var order = constraints.map(function (_, i) { return i; });
    order.sort(function (a, b) { return lists[a].docs.length - lists[b].docs.length; });
    var base = lists[order[0]], baseOff = constraints[order[0]][1];
    var cursors = order.map(function () { return 0; });
    for (var i = 0; i < base.docs.length; i++) {
      var doc = base.docs[i], slots = [], ok = true;
      for (var k = 1; k < order.length && ok; k++) {
        var l = lists[order[k]];
        cursors[k] = lowerBound(l.docs, cursors[k], l.docs.length, doc);
        ok = l.docs[cursors[k]] === doc;
        slots.push(cursors[k]);
      }
      if (!ok) continue;
      var tf = 0, first = -1, atZero = false;
      for (var j = base.start[i]; j < base.start[i + 1]; j++) {
        var p = base.pos[j] - baseOff, all = true;
        for (k = 1; k < order.length && all; k++) {
          var other = lists[order[k]], want = p + constraints[order[k]][1];
          var lo = other.start[slots[k - 1]], hi = other.start[slots[k - 1] + 1];
          var at = lowerBound(other.pos, lo, hi, want);
          all = at < hi && other.pos[at] === want;
        }
        if (!all) continue;
        tf++;
        if (first < 0) first = p;
        if (p === 0) atZero = true;
      }
      if (tf) {
        result.docs.push(doc);
        result.tf.push(tf);
        result.first.push(first);
        result.atZero.push(atZero);
      }
    }
    return result;
  }

  /** A part's matches restricted to `docs` (sorted ids). */
  function only(part, docs) {
    var keep = new Set(docs), out = { docs: [], tf: [], title: [] };
    part.docs.forEach(function (doc, i) {
      if (!keep.has(doc)) return;
      out.docs.push(doc);
      out.tf.push(part.tf[i]);
      out.title.push(part.title[i]);
    });
    return out;
  }

  /** Indexes of the `k` best hits, best first: higher score, then lower id (newer). A heap
   * keeps this O(n log k), so a one-character query over 100,000 bulletins stays fast. */
  function best(scores, docs, k) {
    function worse(a, b) {
      return scores[a] < scores[b] || (scores[a] === scores[b] && docs[a] > docs[b]);
    }
    var heap = []; // heap[0] is the worst of the best k
    function down(i) {
      for (;;) {
        var l = 2 * i + 1, r = l + 1, m = i;
        if (l < heap.length && worse(heap[l], heap[m])) m = l;
        if (r < heap.length && worse(heap[r], heap[m])) m = r;
        if (m === i) return;
        var t = heap[i]; heap[i] = heap[m]; heap[m] = t;
        i = m;
      }
    }
    for (var i = 0; i < scores.length && k > 0; i++) {
      if (heap.length < k) {
        heap.push(i);
        for (var c = heap.length - 1; c > 0; ) {
          var p = (c - 1) >> 1;
          if (!worse(heap[c], heap[p])) break;
          var t = heap[c]; heap[c] = heap[p]; heap[p] = t;
          c = p;
        }
      } else if (worse(heap[0], i)) {
        heap[0] = i;
        down(0);
      }
    }
    return heap.sort(function (a, b) { return worse(a, b) ? 1 : worse(b, a) ? -1 : 0; });
  }

  function intersect(a, b) {
    var out = [], j = 0;
    for (var i = 0; i < a.length; i++) {
      j = lowerBound(b, j, b.length, a[i]);
      if (b[j] === a[i]) out.push(a[i]);
    }
    return out;
  }

  /** Bytes of a packed string (bulletins/search/write.py): 15 bits per UTF-16 unit, each
   * unit U+4E00 + bits, most significant bit first; `size` bytes in all. */
  var PACK_BASE = 0x4e00;
  function unpackBytes(text, size) {
    var out = new Uint8Array(size), acc = 0, bits = 0, j = 0;
    for (var i = 0; i < text.length && j < size; i++) {
      acc = (acc << 15) | (text.charCodeAt(i) - PACK_BASE);
      bits += 15;
      while (bits >= 8 && j < size) {
        bits -= 8;
        out[j++] = (acc >>> bits) & 255;
      }
      acc &= (1 << bits) - 1;
    }
    return out;
  }

  /** Data written by write.packed ({"n": bytes, "u": JSON bytes, "z": packed DEFLATE}), any
   * number of them -> Promise of their JSON values, in order. The payloads end with a sync
   * flush, so laid end to end and closed with an empty final block they are one DEFLATE
   * stream: one DecompressionStream for all the files a query step loaded, its output cut
   * at the "u" counts. Data that is not packed passes through. */
  function unpackAll(list) {
    var parts = [], size = 2;
    list.forEach(function (data) {
      if (data && typeof data.z === "string") {
        parts.push(unpackBytes(data.z, data.n));
        size += data.n;
      }
    });
    if (!parts.length) return Promise.resolve(list);
    var stream = new Uint8Array(size), at = 0;
    parts.forEach(function (bytes) {
      stream.set(bytes, at);
      at += bytes.length;
    });
    stream[at] = 3; // the empty final block: 03 00
    var inflated = new Blob([stream]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
    return new Response(inflated).arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer), decoder = new TextDecoder(), start = 0;
      return list.map(function (data) {
        if (!data || typeof data.z !== "string") return data;
        var text = decoder.decode(bytes.subarray(start, start + data.u));
        start += data.u;
        return JSON.parse(text);
      });
    });
  }

  // --- dates ---------------------------------------------------------------------------------
  function dayNumber(iso) {
    var m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    return m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) / 86400000 : null;
  }

  /** Doc ids run newest first: runs[i] = { day, first (id), count }. */
  function dayRuns(days) {
    var out = [], id = 0, day = dayNumber(days.first), nums = decodeVarints(days.runs || "");
    for (var i = 0; i + 1 < nums.length; i += 2) {
      day -= nums[i];
      out.push({ day: day, first: id, count: nums[i + 1] });
      id += nums[i + 1];
    }
    return out;
  }

  // --- the engine ----------------------------------------------------------------------------
  function create(options) {
    var base = (options && options.base) || "search/";
    var load = options && options.load;
    if (typeof load !== "function") throw new TypeError("BulletinSearch.create: options.load(url) is required");
    var state = null; // { manifest, folder, runs } once loaded; never changed by a search
    var pending = null;
    var files = Object.create(null); // name -> Promise of registered data
    var decoded = Object.create(null); // key -> decoded postings (read-only once made)
    var unpacked = Object.create(null); // shard or fragment name -> Promise of its data

    function file(name) {
      if (!files[name]) {
        files[name] = Promise.resolve(load(base + name + ".js")).then(function () {
          if (!(name in registry)) throw new Error("search index: " + name + ".js registered no data");
          return registry[name];
        });
        files[name].catch(function () { delete files[name]; });
      }
      return files[name];
    }

    function ready() {
      if (state) return Promise.resolve(state);
      if (!pending) {
        pending = file("manifest")
          .then(function (manifest) {
            if (manifest.format !== FORMAT) throw new Error("search index: format " + manifest.format + " is not " + FORMAT);
            state = { manifest: manifest, folder: new Folder(manifest.fold), runs: dayRuns(manifest.days) };
            return state;
          })
          .catch(function (error) {
            pending = null;
            throw error;
          });
      }
      return pending;
    }

    function shardName(key) {
      var bounds = state.manifest.shards, lo = 0, hi = bounds.length;
      while (lo < hi) {
        var mid = (lo + hi) >>> 1;
        if (bounds[mid] <= key) lo = mid + 1;
        else hi = mid;
      }
      return "t/" + state.manifest.tag + "-" + (lo - 1);
    }

    /** Postings of `key` (null when the index has none). */
    function postings(key, positional) {
      if (key in decoded) return Promise.resolve(decoded[key]);
      if (!state.manifest.shards.length) return Promise.resolve(null);
      return contents(shardName(key)).then(function (shard) {
        var text = (positional ? shard.p : shard.d)[key];
        if (!(key in decoded)) decoded[key] = text === undefined ? null : decodePostings(text, positional);
        return decoded[key];
      });
    }

    /** One query part -> { docs, tf, title (first match in the title) } */
    function matchPart(plan) {
      var span = state.manifest.titleSpan;
      var filtered = Promise.all(plan.filters.map(function (ch) { return postings(ch, false); }));
      var positioned = Promise.all(plan.constraints.map(function (c) { return postings(c[0], true); }));
      return Promise.all([filtered, positioned]).then(function (found) {
        var part;
        if (plan.constraints.length) {
          var m = matchPhrase(plan.constraints, found[1]);
          part = { docs: m.docs, tf: m.tf, title: m.first.map(function (p) { return p + plan.start < span; }) };
        } else {
          var l = found[0][0];
          part = { docs: l ? l.docs : [], tf: l ? l.counts : [], title: [] };
        }
        return found[0].reduce(function (p, l) { return only(p, l ? l.docs : []); }, part);
      });
    }

    /** Docs whose title is exactly the query: the phrase starts at the title's position 0
     * and the title's last token key is the query's (its "#" marker at the same offset). */
    function exactTitles(plan) {
      if (!plan || !plan.constraints.length || !plan.marker) return Promise.resolve([]);
      var constraints = plan.constraints.concat([plan.marker]);
      return Promise.all(constraints.map(function (c) { return postings(c[0], true); })).then(function (lists) {
        var m = matchPhrase(constraints, lists);
        return m.docs.filter(function (_, i) { return m.atZero[i]; });
      });
    }

    function idRange(opts) {
      var runs = state.runs, lo = 0, hi = state.manifest.docs;
      var to = dayNumber(opts.to), from = dayNumber(opts.from);
      for (var i = 0; i < runs.length; i++) {
        if (to !== null && runs[i].day > to) lo = runs[i].first + runs[i].count;
        if (from !== null && runs[i].day < from) {
          hi = runs[i].first;
          break;
        }
      }
      return [lo, hi];
    }

    function categoryDocs(name) {
      var cats = state.manifest.categories;
      for (var i = 0; i < cats.length; i++) {
        if (cats[i][0] === name) return postings("@" + i, false).then(function (l) { return l ? l.docs : []; });
      }
      return Promise.resolve([]);
    }

    /** Scores of `docs` (BM25 with b = 0, plus title boosts), indexed like `docs`. */
    function rank(parts, exact, docs) {
      var n = state.manifest.docs, byDoc = new Float64Array(n), idfSum = 0;
      parts.forEach(function (part) {
        var df = part.docs.length, idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        idfSum += idf;
        for (var i = 0; i < df; i++) {
          var tf = part.tf[i];
          byDoc[part.docs[i]] += (idf * tf * (K1 + 1)) / (tf + K1) + (part.title[i] ? 2 * idf : 0);
        }
      });
      exact.forEach(function (doc) { byDoc[doc] = EXACT_TITLE + idfSum; });
      return docs.map(function (doc) { return byDoc[doc]; });
    }

    function search(query, opts) {
      opts = opts || {};
      return ready().then(function () {
        var folder = state.folder;
        var texts = parseQuery(query).map(function (p) { return folder.fold(p); });
        var plans = texts.map(phrasePlan).filter(Boolean);
        if (!plans.length) return { total: 0, results: [] };
        var whole = phrasePlan(folder.fold(wholeQuery(query)));
        return Promise.all([
          Promise.all(plans.map(matchPart)),
          exactTitles(whole),
          opts.category ? categoryDocs(opts.category) : null,
        ]).then(function (found) {
          var parts = found[0], range = idRange(opts);
          var docs = parts.map(function (p) { return p.docs; }).reduce(intersect);
          if (found[2]) docs = intersect(docs, found[2]);
          docs = docs.filter(function (doc) { return doc >= range[0] && doc < range[1]; });
          var scores = rank(parts, found[1], docs);
          var offset = Math.max(0, opts.offset | 0);
          var limit = opts.limit === undefined || opts.limit === null ? 10 : Math.max(0, opts.limit | 0);
          var end = limit ? Math.min(docs.length, offset + limit) : docs.length;
          var order = opts.sort === "date" ? docs.map(function (_, i) { return i; }).slice(0, end) : best(scores, docs, end);
          var page = order.slice(offset).map(function (i) { return { id: docs[i], score: scores[i] }; });
          return describe(page, texts).then(function (results) {
            return { total: docs.length, results: results };
          });
        });
      });
    }

    /** The data of a packed index file (a term shard or result data), unpacked once. The
     * files asked for in one turn (all the shards of a query, all the result data of a page)
     * load together and are inflated in one go (`unpackAll`). */
    var batch = null;
    function contents(name) {
      if (!unpacked[name]) {
        if (!batch) {
          batch = [];
          Promise.resolve().then(flush);
        }
        var entry = { name: name };
        unpacked[name] = new Promise(function (resolve, reject) {
          entry.resolve = resolve;
          entry.reject = reject;
        });
        unpacked[name].catch(function () { delete unpacked[name]; });
        batch.push(entry);
      }
      return unpacked[name];
    }

    function flush() {
      var entries = batch;
      batch = null;
      Promise.all(entries.map(function (e) { return file(e.name); }))
        .then(unpackAll)
        .then(
          function (values) { entries.forEach(function (e, i) { e.resolve(values[i]); }); },
          function (error) { entries.forEach(function (e) { e.reject(error); }); }
        );
    }

    /** Load result data for a page of hits and attach titles, URLs and snippets. */
    function describe(page, texts) {
      var size = state.manifest.fragments.size, tag = state.manifest.tag;
      return Promise.all(page.map(function (hit) {
        return contents("f/" + tag + "-" + Math.floor(hit.id / size)).then(function (rows) {
          var row = rows[hit.id % size];
          return {
            id: hit.id,
            url: row[0],
            title: row[1],
            date: row[2],
            category: row[3],
            sourceId: row[4],
            score: Math.round(hit.score * 1000) / 1000,
            snippet: snippet(state.folder, row[5], texts),
            titleMarks: marks(state.folder.foldMapped(row[1]), texts),
          };
        });
      }));
    }

    return {
      ready: ready,
      search: search,
      categories: function () {
        return ready().then(function (s) {
          return s.manifest.categories.map(function (c) { return { name: c[0], count: c[1] }; });
        });
      },
      tokenize: function (text) {
        return ready().then(function (s) { return positionalTokens(s.folder.fold(String(text))); });
      },
      fold: function (text) {
        return ready().then(function (s) { return s.folder.fold(String(text)); });
      },
    };
  }

  // --- snippets ------------------------------------------------------------------------------
  /** Where the query parts occur in a text: [start, end) in the original text's UTF-16
   * units, sorted and merged. */
  function marks(mapped, texts) {
    var spans = [];
    texts.forEach(function (t) {
      var core = t.trim();
      if (!core) return;
      for (var at = mapped.text.indexOf(core); at >= 0; at = mapped.text.indexOf(core, at + 1)) {
        spans.push([mapped.starts[at], mapped.ends[at + core.length - 1]]);
      }
    });
    spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    spans.forEach(function (s) {
      var last = merged[merged.length - 1];
      if (last && s[0] <= last[1]) last[1] = Math.max(last[1], s[1]);
      else merged.push(s.slice());
    });
    return merged;
  }

  function snippet(folder, text, texts) {
    text = text || "";
    var all = marks(folder.foldMapped(text), texts);
    var start = all.length ? Math.max(0, all[0][0] - SNIPPET_BEFORE) : 0;
    var end = Math.min(text.length, start + SNIPPET_LENGTH);
    if (start > 0 && /[\uDC00-\uDFFF]/.test(text[start])) start--;
    if (end < text.length && /[\uDC00-\uDFFF]/.test(text[end])) end++;
    var head = start > 0 ? "…" : "", tail = end < text.length ? "…" : "";
    var shown = head + text.slice(start, end).replace(/\n/g, " ") + tail;
    var inside = all
      .filter(function (m) { return m[0] < end && m[1] > start; })
      .map(function (m) { return [Math.max(m[0], start) - start + head.length, Math.min(m[1], end) - start + head.length]; });
    return { text: shown, marks: inside };
  }

  var api = {
    create: create,
    register: register,
    version: FORMAT,
    // pure parts, for tests and tools
    Folder: Folder,
    positionalTokens: positionalTokens,
    phrasePlan: phrasePlan,
    parseQuery: parseQuery,
    decodeVarints: decodeVarints,
    unpackBytes: unpackBytes,
    best: best,
  };
  root.BulletinSearch = api;
  root.__bulletinsSearch = register;
  if (typeof module !== "undefined" && module.exports) module.exports = api;
})(typeof globalThis !== "undefined" ? globalThis : this);
