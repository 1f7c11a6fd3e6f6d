/*
 * search-tokens.js: the tokenizer of the search, twin of bulletins/search/tokens.py (both pass
 * tests/fixtures/tokenize_cases.json), and the query syntax.
 *
 * A classic script without DOM access, loaded before search-core.js: it sets
 * `BulletinSearch.tokens` and, under Node, `module.exports`.
 *
 * Folding: NFKC + lowercase + Traditional -> Simplified, code point by code point (so
 * positions in a folded text line up with positions in a folded query). Tokens of a folded
 * text: overlapping bigrams of Han runs, `^c` / `c$` edges where a Han run touches a word,
 * and whole words (letters and digits), each with its code-point offset.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  // Han code points (Unified Ideographs, Extensions A-H, compatibility blocks, and 〇).
  const HAN_RANGES = [
    [0x3007, 0x3007], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xf900, 0xfaff],
    [0x20000, 0x2a6df], [0x2a700, 0x2ebef], [0x2f800, 0x2fa1f], [0x30000, 0x323af],
  ];
  const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;
  /** Whether one code point is one NFKC and lowercase leave alone ([a-z0-9] and the main Han
   * block): a range check, as the manifest's whole fold map (1,700 code points) goes through it
   * when a page starts its first query, cold. */
  const isStable = (ch) => {
    const code = ch.codePointAt(0);
    return (code >= 0x61 && code <= 0x7a) || (code >= 0x30 && code <= 0x39) || (code >= 0x4e00 && code <= 0x9fff);
  };
  const UNIT_UNKNOWN = 0; // kinds of a UTF-16 unit under folding (Folder.unitKind)
  const UNIT_SAME = 1;
  const UNIT_CHANGED = 2;
  const UNIT_OTHER = 3;
  const HAN = "han";
  const WORD = "word";
  const START = "^"; // edge key: a Han run starting right after a word
  const END = "$"; // edge key: a Han run followed at once by a word
  const TITLE_END = "#"; // suffix of the title-end marker key (see build.py)
  // Straight quotes are the only query syntax: “” and 「」 are text, as in pasted titles.
  const QUERY_PARTS = /["＂]([^"＂]*)["＂]?|([^\s"＂]+)/g;
  const QUOTED = /^["＂]([^"＂]*)["＂]$/;

  const isHan = (ch) => {
    const code = ch.codePointAt(0);
    return HAN_RANGES.some(([lo, hi]) => code >= lo && code <= hi);
  };

  /** HAN, WORD or null (a separator) for one code point. */
  const charClass = (ch) => (isHan(ch) ? HAN : LETTER_OR_DIGIT.test(ch) ? WORD : null);

  /** Folds text with the fold map the index ships in its manifest ({ from, to } strings of
   * code points, position by position). */
  class Folder {
    constructor(foldData) {
      const from = Array.from(foldData.from);
      const to = Array.from(foldData.to);
      this.map = new Map(from.map((ch, i) => [ch, to[i]]));
      this.cache = new Map();
      this.unitKinds = new Uint8Array(0x10000); // UNIT_* of each code unit, filled as met
      this.unitTo = new Uint16Array(0x10000); // the unit a UNIT_CHANGED unit folds to
      // The code points that may fold to something else: all but [a-z0-9] and the main Han
      // block (NFKC- and case-stable), plus the map's keys inside those. Folding replaces
      // only these, so a text of Simplified Han and lowercase words is read once, natively.
      const inside = from.filter(isStable).join("");
      this.changing = new RegExp(`[^a-z0-9\\u4e00-\\u9fff]${inside ? `|[${inside}]` : ""}`, "gu");
    }

    /** NFKC + lowercase + Traditional -> Simplified of one code point (a pure function; the
     * cache only remembers answers). */
    char(ch) {
      let folded = this.cache.get(ch);
      if (folded === undefined) {
        folded = Array.from(ch.normalize("NFKC").toLowerCase(), (c) => this.map.get(c) ?? c).join("");
        this.cache.set(ch, folded);
      }
      return folded;
    }

    fold(text) {
      const out = this.foldUnits(text);
      return out !== null ? out : text.replace(this.changing, (ch) => this.char(ch));
    }

    /** What one BMP code unit folds to (UNIT_SAME, UNIT_CHANGED with its unit in
     * `this.unitTo`, or UNIT_OTHER: a surrogate, or a fold of another length). */
    unitKind(code) {
      let kind = this.unitKinds[code];
      if (kind === UNIT_UNKNOWN) {
        const ch = String.fromCharCode(code);
        const folded = code >= 0xd800 && code <= 0xdfff ? "" : this.char(ch);
        kind = folded === ch ? UNIT_SAME : folded.length === 1 ? UNIT_CHANGED : UNIT_OTHER;
        if (kind === UNIT_CHANGED) this.unitTo[code] = folded.charCodeAt(0);
        this.unitKinds[code] = kind;
      }
      return kind;
    }

    /** The folded text when every UTF-16 unit folds to one unit (no surrogates, no change
     * of length), else null. A table per code unit instead of a regular expression with a
     * callback: snippets fold every result's text, and this is several times faster. */
    foldUnits(text) {
      const kinds = this.unitKinds;
      let out = "";
      let from = 0;
      for (let i = 0; i < text.length; i++) {
        const code = text.charCodeAt(i);
        let kind = kinds[code];
        if (kind === UNIT_SAME) continue;
        if (kind === UNIT_UNKNOWN) kind = this.unitKind(code);
        if (kind === UNIT_SAME) continue;
        if (kind === UNIT_OTHER) return null;
        out += text.slice(from, i) + String.fromCharCode(this.unitTo[code]);
        from = i + 1;
      }
      return from ? out + text.slice(from) : text;
    }

    /** The folded text, and for each of its UTF-16 units the original [start(i), end(i)). */
    foldMapped(text) {
      const out = this.foldUnits(text);
      return out !== null ? { text: out, start: (i) => i, end: (i) => i + 1 } : this.foldMappedByChar(text);
    }

    /** foldMapped one code point at a time: for texts whose folding changes lengths. */
    foldMappedByChar(text) {
      const kinds = this.unitKinds;
      let out = "";
      const starts = [];
      const ends = [];
      for (let at = 0; at < text.length; ) {
        const code = text.charCodeAt(at);
        const kind = kinds[code] || this.unitKind(code);
        if (kind !== UNIT_OTHER) {
          out += kind === UNIT_SAME ? text[at] : String.fromCharCode(this.unitTo[code]);
          starts.push(at);
          ends.push(++at);
          continue;
        }
        const ch = String.fromCodePoint(text.codePointAt(at)); // a pair, or a lone surrogate
        const folded = this.char(ch);
        for (let k = 0; k < folded.length; k++) {
          starts.push(at);
          ends.push(at + ch.length);
        }
        out += folded;
        at += ch.length;
      }
      return { text: out, start: (i) => starts[i], end: (i) => ends[i] };
    }
  }

  /** Runs of a folded text: [{ type: HAN|WORD, chars: [code points], at }], `at` in code
   * points; `joined` is true when the run starts right where the previous one ends. */
  function runs(folded) {
    const out = [];
    let current = null;
    let at = 0;
    let end = -1;
    for (const ch of folded) {
      const type = charClass(ch);
      if (type && current && current.type === type) current.chars.push(ch);
      else if (type) out.push((current = { type, chars: [ch], at, joined: end === at }));
      else current = null;
      at++;
      if (type) end = at;
    }
    return out;
  }

  /** [key, position] for every bigram, word-side run edge and word of a folded text. */
  function positionalTokens(folded) {
    const out = [];
    const all = runs(folded);
    all.forEach((run, r) => {
      const c = run.chars;
      const n = c.length;
      if (run.type === WORD) return void out.push([c.join(""), run.at]);
      if (run.joined) out.push([START + c[0], run.at]);
      for (let i = 0; i + 1 < n; i++) out.push([c[i] + c[i + 1], run.at + i]);
      if (r + 1 < all.length && all[r + 1].joined) out.push([c[n - 1] + END, run.at + n - 1]);
    });
    return out;
  }

  /** Split a query into parts: whitespace separates, "..." keeps spaces. */
  function parseQuery(query) {
    const parts = [];
    for (const m of String(query || "").matchAll(QUERY_PARTS)) {
      const part = m[1] !== undefined ? m[1] : m[2];
      if (part) parts.push(part);
    }
    return parts;
  }

  /** The query as one phrase, for the exact-title check: enclosing quotes dropped. */
  function wholeQuery(query) {
    const q = String(query || "").trim();
    const m = QUOTED.exec(q);
    return m ? m[1] : q;
  }

  /** The constraints of one run of a phrase (see phrasePlan). */
  function runPlan(run, next, constraints, filters) {
    const c = run.chars;
    const n = c.length;
    if (run.type === WORD) return void constraints.push([c.join(""), run.at]);
    if (n === 1) {
      const before = run.joined;
      const after = Boolean(next && next.joined);
      if (before) constraints.push([START + c[0], run.at]);
      if (after) constraints.push([c[0] + END, run.at]);
      if (!before && !after) filters.push(c[0]);
      return;
    }
    for (let i = 0; i + 1 < n; i += 2) constraints.push([c[i] + c[i + 1], run.at + i]);
    if (n % 2 === 1) constraints.push([c[n - 2] + c[n - 1], run.at + n - 2]);
  }

  /** What the index must hold for a folded phrase to occur: [key, offset] constraints on
   * positions (offsets in code points from the phrase's first character), plus `filters`,
   * single Han characters between punctuation, which only have to occur in the bulletin.
   * A one-character phrase is one filter. `marker` is the title-end key a title equal to
   * the phrase carries (its last key + TITLE_END, at its last character; see build.py).
   * Returns null without tokens. */
  function phrasePlan(folded) {
    const all = runs(folded);
    if (!all.length) return null;
    const constraints = [];
    const filters = [];
    all.forEach((run, r) => runPlan(run, all[r + 1], constraints, filters));
    const last = all[all.length - 1];
    let marker = null;
    for (const [key] of positionalTokens(folded)) {
      if (!key.endsWith(END)) marker = [key + TITLE_END, last.at + last.chars.length - 1];
    }
    return { constraints, filters, start: all[0].at, marker };
  }

  const tokens = { Folder, runs, positionalTokens, parseQuery, wholeQuery, phrasePlan };
  if (typeof module === "object" && module && module.exports) module.exports = tokens;
  else (root.BulletinSearch = root.BulletinSearch || {}).tokens = tokens;
}
