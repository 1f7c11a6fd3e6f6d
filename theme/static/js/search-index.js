/*
 * search-index.js: reads the index files of bulletins/search/build.py (the loader and decoder
 * half of the search; search-core.js is the query half).
 *
 * A classic script without DOM access, loaded before search-core.js: it sets
 * `BulletinSearch.index` and `BulletinSearch.register` (index files call
 * `BulletinSearch.register(name, data)`; `__bulletinsSearch` is an alias) and, under Node,
 * `module.exports`. Index files are `.js` so they load through <script> tags on file://; the
 * loader is injected (`load(url)`: a script tag in the browser, read + run under Node).
 *
 * The data shapes of the builder are named once, below; no other code indexes rows or reads
 * one-letter keys.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  const FORMAT = 14; // the index format of bulletins/search/build.py
  const FORMAT_DIRECTORIES = 15; // the same, with a manifest naming directories of shards
  const MANIFEST_NAME = "manifest";

  /** manifest.js: the fields build.py writes. */
  const Manifest = Object.freeze({
    FORMAT: "format", // FORMAT
    DOCS: "docs", // bulletin count (ids run oldest first, each day a block of DAYS_SLOTS ids)
    FOLD: "fold", // { codes, to }: the Traditional -> Simplified map (readFold)
    FOLD_CODES: "codes", // Traditional code points, ascending, as varint gaps
    FOLD_TO: "to", // their Simplified characters, in that order
    SHARDS: "shards", // the term shards (format 9: their directories), SHARD_SEPARATOR between them: two hash units + first key
    CATEGORIES: "categories", // [[name, count], ...]; category i is the count key "@i"
    DAYS: "days", // { first, last, slots, fill, start, tier, and in tiers widest, in one tier runs }
    DAYS_FIRST: "first", // the oldest ISO date with bulletins
    DAYS_LAST: "last", // the newest
    DAYS_RUNS: "runs", // one tier only: varints, (days on, bulletins) pairs of the days with bulletins
    DAYS_WIDEST: "widest", // tiers only: the largest capacity of a day, in ids (ceil(n / fill) * slots)
    DAYS_SLOTS: "slots", // the ids of a day's block (a day without bulletins takes one block)
    DAYS_FILL: "fill", // the bulletins a block holds: a day of n takes ceil(n / fill) blocks
    DAYS_START: "start", // the first id of the oldest day (its year's earlier days take ids too)
    DAYS_TIER: "tier", // the ids of a tier: a day's slot s is id (s / slots) * tier + first + s % slots (0: one tier)
    TITLE_SPAN: "titleSpan", // positions below this are in the title
    NOT_IN_FORCE: "notInForce", // ids of repealed or expired documents (absent when none)
  });
  const CategoryEntry = Object.freeze({ NAME: 0, COUNT: 1 });
  /** A term shard: { p: { key: positional postings }, d: { key: counts } }. */
  const Shard = Object.freeze({ POSITIONAL: "p", COUNTS: "d" });
  /** A directory of shards (format 9): { s: shard entries, as the manifest's list }. */
  const Directory = Object.freeze({ SHARDS: "s" });
  /** A packed file (write.packed): { n: DEFLATE bytes, u: JSON bytes, z: packed DEFLATE }. */
  const Packed = Object.freeze({ BYTES: "n", JSON_BYTES: "u", DATA: "z" });
  /** A row of a result-data (fragment) file. */
  // STATUS (效力状态: 已废止, 已失效, 已修改) only on the rows of documents that changed
  const Row = Object.freeze({ URL: 0, TITLE: 1, DATE: 2, CATEGORY: 3, SOURCE_ID: 4, TEXT: 5, STATUS: 6 });
  const CATEGORY_KEY = "@"; // count key prefix of category ids
  const SHARD_SEPARATOR = " ";
  const HASH_UNITS = 2; // a shard entry starts with its content hash, then its first key
  const BOUND_UNITS = 24; // a shard's file name carries at most this many units of its key

  /** Every UTF-16 unit of `text` as four hex digits (bulletins/search/write.py units_hex). */
  function unitsHex(text) {
    let out = "";
    for (let i = 0; i < text.length; i++) out += text.charCodeAt(i).toString(16).padStart(4, "0");
    return out;
  }
  /** write.shard_name: `t/<hash><first key>`, both in hex. */
  const shardName = (hash, bound) => `t/${unitsHex(hash)}${unitsHex(bound.slice(0, BOUND_UNITS))}`;
  /** write.directory_name: `t/dir-<hash><first key>`. */
  const directoryName = (hash, bound) => "t/dir-" + shardName(hash, bound).slice("t/".length);
  /** write.fragment_name: `f/<year>/<mmdd>-<k>`, the bulletin in slot k of that day (its id less the day's first). */
  const fragmentName = (iso, k) => `f/${iso.slice(0, 4)}/${iso.slice(5, 7)}${iso.slice(8, 10)}-${k}`;

  const hasOwn = (object, key) => object != null && Object.prototype.hasOwnProperty.call(object, key);
  /** object[key] when it is the object's own: a key from data or a query (`constructor`,
   * `__proto__`) never reaches Object.prototype. */
  const own = (object, key) => (hasOwn(object, key) ? object[key] : undefined);

  const registry = new Map(); // file name -> registered data

  function register(name, data) {
    registry.set(String(name), data);
  }

  // --- varints (see bulletins/search/shards.py) ----------------------------------------------
  const MORE = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef";
  const LAST = "ghijklmnopqrstuvwxyz0123456789-_";
  const DIGIT = new Int16Array(128).fill(-1);
  for (let d = 0; d < 32; d++) {
    DIGIT[MORE.charCodeAt(d)] = d;
    DIGIT[LAST.charCodeAt(d)] = 32 + d;
  }

  function decodeVarints(text) {
    const out = [];
    let current = 0;
    for (let i = 0; i < text.length; i++) {
      const v = DIGIT[text.charCodeAt(i)];
      if (v >= 32) {
        out.push(current * 32 + v - 32);
        current = 0;
      } else current = current * 32 + v;
    }
    return out;
  }

  /** A posting list: docs ascending; counts; for positional keys, positions of doc i in
   * pos[start[i] .. start[i + 1]); each an Int32Array (doc ids stay below 2^31,
   * bulletins/search/docids.py ID_LIMIT). One pass over the varints (the lists of common
   * bigrams hold hundreds of thousands of numbers, and a first query runs this code cold,
   * before the engine has optimised it): every number takes at least one character, so
   * `text.length` bounds every array, and typed arrays of that length take the numbers
   * without the growing and boxing of arrays pushed to (under Node, a list of 167,797 docs in
   * 875,450 characters decoded in 10-11 ms on its first call where pushing took 15-17). The
   * callers read them by index and length; search-core.js maps only arrays it makes from them
   * (`only`, `intersect`, `matchPhrase`). */
  function decodePostings(text, positional) {
    const n = text.length;
    const docs = new Int32Array(n);
    const counts = new Int32Array(n);
    const start = positional ? new Int32Array(n + 1) : null;
    const pos = positional ? new Int32Array(n) : null;
    let k = 0, used = 0, doc = -1, i = 0, v, value;
    while (i < n) {
      value = 0;
      while ((v = DIGIT[text.charCodeAt(i++)]) < 32) value = value * 32 + v;
      const head = value * 32 + v - 32;
      doc += (head >>> 1) + 1;
      let count = 1;
      if (head & 1) {
        value = 0;
        while ((v = DIGIT[text.charCodeAt(i++)]) < 32) value = value * 32 + v;
        count = value * 32 + v - 32;
      }
      docs[k] = doc;
      counts[k++] = count;
      if (!positional) continue;
      for (let j = 0, p = 0; j < count; j++) {
        value = 0;
        while ((v = DIGIT[text.charCodeAt(i++)]) < 32) value = value * 32 + v;
        pos[used++] = p += value * 32 + v - 32;
      }
      start[k] = used;
    }
    // copies of the used parts: what stays cached is 4 bytes a number, not 16 a character
    return {
      docs: docs.slice(0, k),
      counts: counts.slice(0, k),
      start: positional ? start.slice(0, k + 1) : null,
      pos: positional ? pos.slice(0, used) : null,
    };
  }

  // --- packed files (see bulletins/search/write.py) --------------------------------------------
  const PACK_BASE = 0x4e00; // the code unit that carries 15 zero bits
  const FINAL_BLOCK = [3, 0]; // an empty, final DEFLATE block

  /** Bytes of a packed string: 15 bits per UTF-16 unit, each unit PACK_BASE + bits, most
   * significant bit first; `size` bytes in all. */
  function unpackBytes(text, size) {
    const out = new Uint8Array(size);
    let acc = 0, bits = 0, j = 0;
    for (let i = 0; i < text.length && j < size; i++) {
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

  const isPacked = (data) => data != null && typeof own(data, Packed.DATA) === "string";

  /** Raw DEFLATE bytes -> Promise of the inflated bytes, by the browser's DecompressionStream. */
  const inflateRaw = (stream) =>
    new Response(new Blob([stream]).stream().pipeThrough(new DecompressionStream("deflate-raw")))
      .arrayBuffer()
      .then((buffer) => new Uint8Array(buffer));

  /** Packed data -> Promise of their JSON values, in order. Payloads end with a sync flush, so
   * end to end and closed with an empty final block they are one DEFLATE stream: one `inflate`
   * for all the files a query step loaded, cut at the JSON byte counts. Others pass through. */
  async function unpackAll(list, inflate = inflateRaw) {
    const packed = list.filter(isPacked);
    if (!packed.length) return list;
    const parts = packed.map((data) => unpackBytes(data[Packed.DATA], data[Packed.BYTES]));
    const stream = new Uint8Array(parts.reduce((size, bytes) => size + bytes.length, FINAL_BLOCK.length));
    let at = 0;
    for (const bytes of parts) {
      stream.set(bytes, at);
      at += bytes.length;
    }
    stream.set(FINAL_BLOCK, at);
    const bytes = await inflate(stream);
    const decoder = new TextDecoder();
    let start = 0;
    return list.map((data) => {
      if (!isPacked(data)) return data;
      const text = decoder.decode(bytes.subarray(start, start + data[Packed.JSON_BYTES]));
      start += data[Packed.JSON_BYTES];
      return JSON.parse(text);
    });
  }

  // --- the manifest ----------------------------------------------------------------------------
  function dayNumber(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || "");
    if (!m) return null;
    const date = new Date(0);
    date.setUTCFullYear(+m[1], +m[2] - 1, +m[3]); // Date.UTC reads the years 0-99 as 1900-1999
    return date.getTime() / 86400000;
  }

  /** Doc ids: every day a block of `slots` ids in each tier of `tier` ids, a day without
   * bulletins too, the oldest day's from `start` on; a block holds `fill` bulletins, and a day
   * of n takes ceil(n / fill) blocks (its capacity), a block a tier (tier 0: one tier, the
   * capacity in one block), a bulletin any of its day's slots (bulletins/search/docids.py).
   * In tiers every day from January 1 of the oldest year (the `origin`, day number of id 0)
   * takes `slots` first-tier ids, so an id's day is arithmetic: { runs: null, origin, first,
   * last (day numbers of the oldest and newest days with bulletins), span (every first-tier
   * id below it), slots, tier, widest (the largest capacity) }. In one tier a day's first id
   * follows from the days before it: runs [{ day, first (id), end, count, capacity }], the
   * days with bulletins ascending. */
  function dayRuns(days) {
    const slots = Math.max(1, own(days, Manifest.DAYS_SLOTS) | 0);
    const fill = Math.min(slots, Math.max(1, own(days, Manifest.DAYS_FILL) | 0 || slots)); // none: a block holds slots
    const tier = Math.max(0, Number(own(days, Manifest.DAYS_TIER)) || 0);
    const start = Math.max(0, Number(own(days, Manifest.DAYS_START)) || 0);
    const first = dayNumber(own(days, Manifest.DAYS_FIRST));
    if (tier) {
      const last = first === null ? null : dayNumber(own(days, Manifest.DAYS_LAST));
      const origin = first === null ? 0 : first - Math.floor(start / slots);
      const span = last === null ? 0 : (last + 1 - origin) * slots;
      const widest = Math.max(slots, Number(own(days, Manifest.DAYS_WIDEST)) || 0);
      return { runs: null, origin, first, last, span, slots, tier, widest };
    }
    const out = [];
    const nums = decodeVarints(own(days, Manifest.DAYS_RUNS) || "");
    let id = start;
    let day = first;
    let widest = slots;
    for (let i = 0; i + 1 < nums.length; i += 2) {
      day += nums[i];
      if (i) id += (nums[i] - 1) * slots; // the days between, without bulletins
      const capacity = Math.max(1, Math.ceil(nums[i + 1] / fill)) * slots;
      out.push({ day, first: id, end: id + capacity, count: nums[i + 1], capacity });
      widest = Math.max(widest, capacity);
      id += capacity;
    }
    return { runs: out, span: id, slots, tier, widest };
  }

  /** Where doc `id` is in the days of `m` (readManifest): { day (its day number, null for an
   * id of no day), slot (its place in the day's capacity) }. */
  function slotOf(m, id) {
    if (m.tier) {
      const level = Math.floor(id / m.tier);
      const base = id - level * m.tier;
      const at = Math.floor(base / m.slots);
      const day = m.origin + at;
      const held = m.firstDay !== null && day >= m.firstDay && day <= m.lastDay && base >= 0;
      return held ? { day, slot: level * m.slots + base - at * m.slots } : { day: null, slot: -1 };
    }
    const runs = m.days;
    let lo = 0;
    let hi = runs.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (runs[mid].first <= id) lo = mid + 1;
      else hi = mid;
    }
    const run = runs[lo - 1];
    return run ? { day: run.day, slot: id - run.first } : { day: null, slot: -1 };
  }

  /** A number that orders doc ids by day, then by slot (ids order tier by tier). */
  function dayOrder(m, id) {
    if (!m.tier) return id;
    const { day, slot } = slotOf(m, id);
    return day === null ? -1 : day * m.widest + slot;
  }

  /** [lo, hi): the first-tier ids of the days `from` .. `to` (day numbers, null: no bound). */
  function idRange(m, from, to) {
    if (m.tier) {
      const at = (day) => Math.min(m.idSpan, Math.max(0, (day - m.origin) * m.slots));
      return [from === null ? 0 : at(from), to === null ? m.idSpan : at(to + 1)];
    }
    let lo = 0;
    let hi = m.idSpan;
    for (const run of m.days) {
      if (from !== null && run.day < from) lo = run.end; // a day's bulletins are anywhere in its ids
      if (to !== null && run.day > to) {
        hi = run.first;
        break;
      }
    }
    return [lo, hi];
  }

  /** ISO date of a day number. */
  const isoDay = (day) => new Date(day * 86400000).toISOString().slice(0, 10);

  /** The manifest's fold map -> { from, to } strings for search-tokens.js Folder. */
  function readFold(fold) {
    let code = 0;
    const from = decodeVarints(own(fold, Manifest.FOLD_CODES) || "").map((gap) => String.fromCodePoint((code += gap)));
    return { from: from.join(""), to: own(fold, Manifest.FOLD_TO) || "" };
  }

  /** Shard (or directory) list -> { bounds: first keys, name(i) }: a name is made when a query needs it. */
  function readShards(text, naming = shardName) {
    const entries = typeof text === "string" && text ? text.split(SHARD_SEPARATOR) : [];
    const bounds = entries.map((entry) => entry.slice(HASH_UNITS));
    const name = (i) => naming(entries[i].slice(0, HASH_UNITS), bounds[i]);
    return { bounds, name };
  }

  /** The place of the last bound <= key (the file holding it). */
  function locate(bounds, key) {
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (bounds[mid] <= key) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /** The manifest's fields under the names the query side uses. */
  function readManifest(raw) {
    const format = own(raw, Manifest.FORMAT);
    if (format !== FORMAT && format !== FORMAT_DIRECTORIES) {
      throw new Error(`search index: format ${format} is not ${FORMAT} or ${FORMAT_DIRECTORIES}`);
    }
    const categories = own(raw, Manifest.CATEGORIES) || [];
    const directories = format === FORMAT_DIRECTORIES;
    const shards = readShards(own(raw, Manifest.SHARDS), directories ? directoryName : shardName);
    const days = dayRuns(own(raw, Manifest.DAYS));
    return {
      directories,
      docCount: own(raw, Manifest.DOCS),
      fold: readFold(own(raw, Manifest.FOLD)),
      shardBounds: shards.bounds,
      shardName: shards.name,
      categories: categories.map((c) => ({ name: c[CategoryEntry.NAME], count: c[CategoryEntry.COUNT] })),
      days: days.runs, // one tier: the days with bulletins (dayRuns); null in tiers
      origin: days.origin, // in tiers: the day number of id 0
      firstDay: days.first, // in tiers: the oldest and newest days with bulletins
      lastDay: days.last,
      idSpan: days.span, // every first-tier doc id is below it
      slots: days.slots,
      tier: days.tier, // 0: one tier
      widest: days.widest, // the largest capacity of a day
      titleSpan: own(raw, Manifest.TITLE_SPAN),
      notInForce: own(raw, Manifest.NOT_IN_FORCE) || [],
    };
  }

  /** A fragment row as a record. */
  const readRow = (row) => ({
    url: row[Row.URL],
    title: row[Row.TITLE],
    date: row[Row.DATE],
    category: row[Row.CATEGORY],
    sourceId: row[Row.SOURCE_ID],
    text: row[Row.TEXT],
    status: row[Row.STATUS] || "",
  });

  // --- the reader ------------------------------------------------------------------------------
  /** Loads and decodes the files of one index. Everything it hands out is cached read-only:
   * a search never changes what a later search reads. */
  class IndexReader {
    constructor(base, load, inflate = inflateRaw) {
      this.base = base;
      this.load = load;
      this.inflate = inflate;
      this.files = new Map(); // name -> Promise of registered data
      this.unpacked = new Map(); // packed file name -> Promise of its data
      this.decoded = new Map(); // key -> Promise of postings (null when the index has none)
      this.fragments = new Map(); // bulletin id -> name of its result-data file
      this.listed = new Map(); // directory name -> its shards (readShards)
      this.batch = null;
      this.manifest = null;
      this.pending = null;
    }

    /** Promise of the data a `.js` index file registers (loaded once). */
    file(name) {
      if (!this.files.has(name)) {
        const loaded = Promise.resolve(this.load(this.base + name + ".js")).then(() => {
          if (!registry.has(name)) throw new Error(`search index: ${name}.js registered no data`);
          return registry.get(name);
        });
        loaded.catch(() => this.files.delete(name));
        this.files.set(name, loaded);
      }
      return this.files.get(name);
    }

    /** Promise of the manifest (readManifest), loaded once. */
    ready() {
      if (this.manifest) return Promise.resolve(this.manifest);
      if (!this.pending) {
        this.pending = this.file(MANIFEST_NAME).then(
          (raw) => (this.manifest = readManifest(raw)),
          (error) => {
            this.pending = null;
            throw error;
          }
        );
      }
      return this.pending;
    }

    /** The data of a packed file (a term shard or result data), unpacked once. The files
     * asked for in one turn (all the shards of a query, all the result data of a page) load
     * together and are inflated in one go (`unpackAll`). */
    contents(name) {
      if (!this.unpacked.has(name)) {
        if (!this.batch) {
          this.batch = [];
          Promise.resolve().then(() => this.flush());
        }
        const entry = { name };
        const promise = new Promise((resolve, reject) => Object.assign(entry, { resolve, reject }));
        promise.catch(() => this.unpacked.delete(name));
        this.unpacked.set(name, promise);
        this.batch.push(entry);
      }
      return this.unpacked.get(name);
    }

    flush() {
      const entries = this.batch;
      this.batch = null;
      Promise.all(entries.map((e) => this.file(e.name)))
        .then((list) => unpackAll(list, this.inflate))
        .then(
          (values) => entries.forEach((e, i) => e.resolve(values[i])),
          (error) => entries.forEach((e) => e.reject(error))
        );
    }

    /** The name of the shard (format 9: of the directory) that holds `key`. */
    shardOf(key) {
      return this.manifest.shardName(locate(this.manifest.shardBounds, key));
    }

    /** Promise of the shard holding `key`: through its directory in format 9 (the directories
     * of one turn load together, then their shards together). */
    shard(key) {
      const name = this.shardOf(key);
      if (!this.manifest.directories) return this.contents(name);
      return this.contents(name).then((directory) => {
        if (!this.listed.has(name)) this.listed.set(name, readShards(own(directory, Directory.SHARDS)));
        const shards = this.listed.get(name);
        return this.contents(shards.name(locate(shards.bounds, key)));
      });
    }

    /** Promise of the postings of `key` (null when the index has none); after ready(). */
    postings(key, positional) {
      if (!this.decoded.has(key)) {
        const found = !this.manifest.shardBounds.length
          ? Promise.resolve(null)
          : this.shard(key).then((shard) => {
              const text = own(own(shard, positional ? Shard.POSITIONAL : Shard.COUNTS), key);
              return typeof text === "string" ? decodePostings(text, positional) : null;
            });
        found.catch(() => this.decoded.delete(key));
        this.decoded.set(key, found);
      }
      return this.decoded.get(key);
    }

    /** Promise of the doc ids of category `name` (none for an unknown name). */
    categoryDocs(name) {
      const i = this.manifest.categories.findIndex((c) => c.name === name);
      if (i < 0) return Promise.resolve([]);
      return this.postings(CATEGORY_KEY + i, false).then((list) => (list ? list.docs : []));
    }

    /** The result-data file of bulletin `id`, by its day and slot (remembered: answers ask for thousands). */
    fragmentOf(id) {
      if (this.fragments.has(id)) return this.fragments.get(id);
      const { day, slot } = slotOf(this.manifest, id);
      this.fragments.set(id, fragmentName(isoDay(day), slot));
      return this.fragments.get(id);
    }

    /** Promise of the result data of bulletin `id` (readRow). */
    row(id) {
      return this.contents(this.fragmentOf(id)).then(readRow);
    }
  }

  const index = {
    FORMAT,
    IndexReader,
    register,
    decodeVarints,
    decodePostings,
    unpackBytes,
    unpackAll,
    dayNumber,
    dayOrder,
    idRange,
    isoDay,
    slotOf,
    readManifest,
    unitsHex,
    hasOwn,
  };
  if (typeof module === "object" && module && module.exports) module.exports = index;
  const namespace = (root.BulletinSearch = root.BulletinSearch || {});
  namespace.index = index;
  namespace.register = register;
  root.__bulletinsSearch = register;
}
