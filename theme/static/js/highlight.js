/*
 * highlight.js: marks the terms of the search a reader came from (`#hl=QUERY`, see
 * reading.js) in the article's title and body, and drives the bar of base.html
 * (第 i / n 处, 上一处, 下一处, 清除).
 *
 * Loaded by reading.js only when the address asks for it. It folds like the search: it loads
 * search-tokens.js (the tokenizer: query syntax and Folder), search-index.js and the index
 * manifest (its Traditional -> Simplified map) — files the search page has just loaded, so
 * they come from the cache — and marks where the folded text holds a folded term, so 創新
 * marks 创新. Without the index it marks the exact forms (NFKC and case folded).
 *
 * Only text nodes are split: every mark is an element built here whose text is a slice of
 * the page's own text; nothing from the query is ever parsed as HTML.
 *
 * A classic script; under Node it exports its pure helpers (findRanges, queryTerms).
 */
"use strict";
// A block, not a function: its declarations stay private to this script.
{
  const root = globalThis;

  const SCOPES = ".bulletin-header h1, .bulletin-body"; // the article's title and body
  const MARK_CLASS = "hl-mark";
  const CURRENT_CLASS = "hl-current";
  const SCRIPTS = ["search-tokens.js", "search-index.js"]; // beside this script
  const MEANINGFUL = /[\p{L}\p{N}]/u; // a term without a letter or digit marks nothing
  const isNode = typeof module === "object" && module && module.exports;
  const hasDocument = typeof document !== "undefined";
  const OWN_URL = hasDocument && document.currentScript ? document.currentScript.src : "";

  /* ---- pure helpers (exported under Node) ------------------------------------------ */

  /** Sorted, non-overlapping [start, end) ranges of TERMS in TEXT: scanning from the left,
   * the leftmost occurrence of any term, the longest term where two start together. */
  function findRanges(text, terms) {
    const ranges = [];
    let at = 0;
    while (at < text.length) {
      let best = null;
      for (const term of terms) {
        const i = term ? text.indexOf(term, at) : -1;
        if (i >= 0 && (!best || i < best[0] || (i === best[0] && i + term.length > best[1]))) best = [i, i + term.length];
      }
      if (!best) break;
      ranges.push(best);
      at = best[1];
    }
    return ranges;
  }

  /** The folded, distinct terms of QUERY (split by PARSE, folded by FOLD), longest first. */
  function queryTerms(query, parse, fold) {
    const terms = parse(query)
      .map((part) => fold(part))
      .filter((term) => MEANINGFUL.test(term));
    return [...new Set(terms)].sort((a, b) => b.length - a.length);
  }

  /** A folder that only applies NFKC and lowercase (when the index cannot be read). */
  const exactFolder = {
    fold: (text) => Array.from(text, (ch) => ch.normalize("NFKC").toLowerCase()).join(""),
    foldMapped(text) {
      let out = "";
      const starts = [];
      const ends = [];
      let at = 0;
      for (const ch of text) {
        const folded = ch.normalize("NFKC").toLowerCase();
        for (let k = 0; k < folded.length; k++) {
          starts.push(at);
          ends.push(at + ch.length);
        }
        out += folded;
        at += ch.length;
      }
      return { text: out, start: (i) => starts[i], end: (i) => ends[i] };
    },
  };

  /** Ranges of TERMS in a text node's TEXT, in the text's own offsets. */
  function rangesIn(text, terms, folder) {
    const mapped = folder.foldMapped(text);
    return findRanges(mapped.text, terms).map(([s, e]) => [mapped.start(s), mapped.end(e - 1)]);
  }

  /* ---- loading the folding ---------------------------------------------------------- */

  function loadScript(doc, url) {
    return new Promise((resolve, reject) => {
      const script = doc.createElement("script");
      script.src = url;
      script.async = true;
      script.onload = () => resolve();
      script.onerror = () => reject(new Error("cannot load " + url));
      doc.head.appendChild(script);
    });
  }

  /** The search's tokenizer and Folder with the index's fold map; null when unavailable. */
  async function searchFolding(doc) {
    try {
      await Promise.all(SCRIPTS.map((name) => loadScript(doc, new URL(name, OWN_URL).href)));
      const search = root.BulletinSearch;
      const siteRoot = new URL(doc.documentElement.getAttribute("data-site-root") || "./", doc.baseURI);
      const reader = new search.index.IndexReader(new URL("search/", siteRoot).href, (url) => loadScript(doc, url));
      const manifest = await reader.ready();
      return { parse: search.tokens.parseQuery, folder: new search.tokens.Folder(manifest.fold) };
    } catch (error) {
      return null;
    }
  }

  /* ---- marking ------------------------------------------------------------------------ */

  function textNodes(doc) {
    const nodes = [];
    for (const scope of doc.querySelectorAll(SCOPES)) {
      const walker = doc.createTreeWalker(scope, 4 /* NodeFilter.SHOW_TEXT */);
      while (walker.nextNode()) nodes.push(walker.currentNode);
    }
    return nodes;
  }

  /** Replace NODE by its text with <mark> around RANGES; returns the marks. */
  function markNode(doc, node, ranges) {
    const text = node.data;
    const fragment = doc.createDocumentFragment();
    const marks = [];
    let pos = 0;
    for (const [start, end] of ranges) {
      if (start > pos) fragment.appendChild(doc.createTextNode(text.slice(pos, start)));
      const mark = doc.createElement("mark");
      mark.className = MARK_CLASS;
      mark.textContent = text.slice(start, end);
      fragment.appendChild(mark);
      marks.push(mark);
      pos = end;
    }
    if (pos < text.length) fragment.appendChild(doc.createTextNode(text.slice(pos)));
    node.parentNode.replaceChild(fragment, node);
    return marks;
  }

  function markAll(doc, terms, folder) {
    const marks = [];
    if (!terms.length) return marks;
    for (const node of textNodes(doc)) {
      const ranges = rangesIn(node.data, terms, folder);
      if (ranges.length) marks.push(...markNode(doc, node, ranges));
    }
    return marks;
  }

  /* ---- the bar ---------------------------------------------------------------------- */

  class Highlighter {
    constructor(win, marks, query) {
      const doc = win.document;
      this.win = win;
      this.doc = doc;
      this.marks = marks;
      this.query = query;
      this.current = -1;
      this.bar = doc.getElementById("hl-bar");
      this.status = doc.getElementById("hl-status");
      this.actions = { next: () => this.go(1, true), previous: () => this.go(-1, true), escape: () => this.clear() };
    }

    active() {
      return this.marks !== null;
    }

    start() {
      for (const button of this.bar.querySelectorAll("button[data-hl]")) {
        const action = { next: "next", prev: "previous", clear: "escape" }[button.getAttribute("data-hl")];
        button.addEventListener("click", () => this.actions[action]());
        if (action !== "escape") button.hidden = this.marks.length === 0;
      }
      this.bar.hidden = false;
      if (this.marks.length) this.go(1, false);
      else this.status.textContent = "本页正文中没有「" + this.query + "」";
      this.bar.setAttribute("data-count", String(this.marks.length));
    }

    /** Make the next (STEP 1) or previous (-1) mark current, scroll to it; FOCUS it too. */
    go(step, focus) {
      const n = this.marks.length;
      if (!n) return;
      if (this.current >= 0) this.marks[this.current].classList.remove(CURRENT_CLASS);
      this.current = this.current < 0 ? (step > 0 ? 0 : n - 1) : (this.current + step + n) % n;
      const mark = this.marks[this.current];
      mark.classList.add(CURRENT_CLASS);
      mark.tabIndex = -1;
      if (focus) mark.focus({ preventScroll: true });
      mark.scrollIntoView({ block: focus ? "center" : "nearest" });
      this.status.textContent = "第 " + (this.current + 1) + " / " + n + " 处";
      this.bar.setAttribute("data-current", String(this.current + 1));
    }

    /** Remove every mark and the bar, and the terms from the address. */
    clear() {
      const active = this.doc.activeElement;
      const hadFocus = this.bar.contains(active) || this.marks.includes(active);
      const parents = new Set();
      for (const mark of this.marks) {
        parents.add(mark.parentNode);
        mark.replaceWith(this.doc.createTextNode(mark.textContent));
      }
      for (const parent of parents) parent.normalize();
      this.marks = null;
      this.bar.hidden = true;
      if (hadFocus) this.doc.getElementById("content").focus();
      const { pathname, search } = this.win.location;
      try {
        this.win.history.replaceState(this.win.history.state, "", pathname + search);
      } catch (error) {
        /* some browsers refuse history changes on file://; the marks are gone all the same */
      }
    }
  }

  async function init(win) {
    const doc = win.document;
    const reading = root.BulletinReading;
    const query = reading ? reading.highlightQuery(win.location.hash) : "";
    if (!query || !doc.querySelector(SCOPES) || !doc.getElementById("hl-bar")) return;
    const folding = (await searchFolding(doc)) || { parse: (q) => q.split(/\s+/), folder: exactFolder };
    const terms = queryTerms(query, folding.parse, (part) => folding.folder.fold(part));
    const highlighter = new Highlighter(win, markAll(doc, terms, folding.folder), query);
    reading.highlighter = highlighter;
    highlighter.start();
  }

  if (isNode) {
    module.exports = { findRanges, queryTerms, rangesIn, exactFolder };
  } else if (hasDocument && root.window === root) {
    init(root);
  }
}
