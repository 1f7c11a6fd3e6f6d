/*
 * search-view.js: what the search page shows, apart from when it shows it (search-ui.js).
 *
 * The pure helpers of the page's state and links (readState, stateQuery, safeHref,
 * resultHref, markRanges) and the DOM of one result (renderResult), built from text nodes
 * and elements only: every string from the index or the query becomes a text node, and
 * <mark> elements are built from snippet ranges, so nothing is inserted as HTML.
 *
 * A classic script, loaded by search.html before search-ui.js: it sets
 * `BulletinSearch.view` and, under Node (where it runs no DOM code), `module.exports`.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  const PAGE_SIZE = 10;
  const FILTERS = ["from", "to", "category", "sort", "inforce"];
  const DATE_FILTERS = ["from", "to"];
  const CHECKED = "1"; // the value of a ticked checkbox filter (inforce: 仅现行有效)
  const SORT_BY_DATE = "date";
  const SAFE_PROTOCOLS = new Set(["http:", "https:", "file:"]);
  const isNode = typeof module === "object" && module && module.exports;

  /* ---- pure helpers (exported under Node) ------------------------------------------ */

  /** The one merge of highlight ranges: search-core.js's. */
  function coreMerge() {
    const core = isNode ? require("./search-core.js") : root.BulletinSearch;
    return core.mergeRanges;
  }

  /** Snippet marks ([start, end] pairs or { start, end }) as sorted, non-overlapping
   * [start, end) pairs inside the snippet's text. */
  function markRanges(snippet) {
    const length = snippet.text.length;
    const ranges = (snippet.marks || [])
      .map((mark) => {
        const start = Array.isArray(mark) ? mark[0] : mark && mark.start;
        const end = Array.isArray(mark) ? mark[1] : mark && mark.end;
        return [Math.max(0, Number(start) || 0), Math.min(length, Number(end) || 0)];
      })
      .filter(([start, end]) => end > start);
    return coreMerge()(ranges);
  }

  /** Resolve a result URL against the site root; anything but http(s)/file becomes "#". */
  function safeHref(url, siteRoot) {
    try {
      const resolved = new URL(String(url), siteRoot);
      return SAFE_PROTOCOLS.has(resolved.protocol) ? resolved.href : "#";
    } catch (error) {
      return "#";
    }
  }

  /** The link of a result: its safe URL with QUERY as the highlight fragment (reading.js). */
  function resultHref(url, siteRoot, query) {
    const href = safeHref(url, siteRoot);
    const reading = isNode ? require("./reading.js") : root.BulletinReading;
    return href === "#" || !reading ? href : reading.withHighlight(href, query);
  }

  /** The search state ({ q, from, to, category, sort, inforce }) a location.search holds. */
  function readState(search) {
    const params = new URLSearchParams(search);
    const state = { q: (params.get("q") || "").trim() };
    for (const name of FILTERS) state[name] = params.get(name) || "";
    if (state.sort !== SORT_BY_DATE) state.sort = "";
    if (state.inforce !== CHECKED) state.inforce = "";
    for (const name of DATE_FILTERS) state[name] = isoDay(state[name]);
    return state;
  }

  // A day as people write it: 2023-01-05, 2023-1-5, 2023/1/5, 2023.1.5, 20230105, 2023年1月5日.
  const DAY_FORMS = /^\s*(\d{4})(?:([-/.])(\d{1,2})\2(\d{1,2})|(\d{2})(\d{2})|年(\d{1,2})月(\d{1,2})日?)\s*$/u;

  /** TEXT as YYYY-MM-DD when it names a real day in one of DAY_FORMS, else "": the index compares
   * dates as text, so "20230105" or "2023-02-30" as they are would filter silently wrong. */
  function isoDay(text) {
    const match = DAY_FORMS.exec(text || "");
    if (!match) return "";
    const [year, month, day] = [match[1], match[3] || match[5] || match[7], match[4] || match[6] || match[8]].map(Number);
    const date = new Date(0);
    date.setUTCFullYear(year, month - 1, day); // Date.UTC reads the years 0-99 as 1900-1999
    if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return "";
    return `${String(year).padStart(4, "0")}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
  }

  /** The location.search of a state: "" or "?q=...&..." with only the fields that are set. */
  function stateQuery(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const name of FILTERS) if (state[name]) params.set(name, state[name]);
    const query = params.toString();
    return query ? "?" + query : "";
  }

  /** The engine's search options ({ limit, offset, sort, from, to, category, inForce }) of a
   * state, for the page of results that starts at OFFSET. */
  function searchOptions(state, offset) {
    const options = { limit: PAGE_SIZE, offset, sort: state.sort || "relevance" };
    for (const name of ["from", "to", "category"]) if (state[name]) options[name] = state[name];
    if (state.inforce) options.inForce = true;
    return options;
  }

  /* ---- the DOM of a result ----------------------------------------------------------- */

  function element(doc, tag, className, text) {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  /** Append snippet text to parent as text nodes, with <mark> around each matched range. */
  function appendSnippet(doc, parent, snippet) {
    if (!snippet || typeof snippet.text !== "string") return;
    const text = snippet.text;
    let pos = 0;
    for (const [start, end] of markRanges(snippet)) {
      if (start > pos) parent.appendChild(doc.createTextNode(text.slice(pos, start)));
      parent.appendChild(element(doc, "mark", "", text.slice(start, end)));
      pos = end;
    }
    if (pos < text.length) parent.appendChild(doc.createTextNode(text.slice(pos)));
  }

  function resultMeta(doc, result) {
    const meta = element(doc, "p", "search-result-meta");
    if (result.date) {
      const time = element(doc, "time", "", result.date);
      time.setAttribute("datetime", String(result.date));
      meta.appendChild(time);
    }
    if (result.category) {
      if (meta.firstChild) meta.appendChild(doc.createTextNode(" · "));
      meta.appendChild(element(doc, "span", "search-result-category", result.category));
    }
    if (result.status) {
      // 已废止 / 已失效 / 已修改: a reader must see at once that a document changed
      if (meta.firstChild) meta.appendChild(doc.createTextNode(" · "));
      meta.appendChild(element(doc, "span", "search-result-status", result.status));
    }
    return meta;
  }

  /** One result as an <li>: title link (with the query as its highlight), meta, snippet. */
  function renderResult(doc, result, siteRoot, query) {
    const item = element(doc, "li", "search-result");
    const heading = element(doc, "h2", "search-result-title");
    const link = element(doc, "a");
    appendSnippet(doc, link, { text: String(result.title || result.url), marks: result.titleMarks });
    link.href = resultHref(result.url, siteRoot, query);
    heading.appendChild(link);
    item.appendChild(heading);
    const meta = resultMeta(doc, result);
    if (meta.firstChild) item.appendChild(meta);
    if (result.snippet && result.snippet.text) {
      const snippet = element(doc, "p", "search-result-snippet");
      appendSnippet(doc, snippet, result.snippet);
      item.appendChild(snippet);
    }
    return item;
  }

  const view = {
    PAGE_SIZE,
    FILTERS,
    CHECKED,
    SORT_BY_DATE,
    readState,
    isoDay,
    stateQuery,
    searchOptions,
    safeHref,
    resultHref,
    markRanges,
    element,
    renderResult,
  };
  if (isNode) module.exports = view;
  else (root.BulletinSearch = root.BulletinSearch || {}).view = view;
}
