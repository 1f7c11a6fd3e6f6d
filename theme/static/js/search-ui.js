/*
 * Search UI: the only code that touches the DOM.
 *
 * On every page: prefetches the search files when the header box gets focus (the "/" key
 * and the other shortcuts are reading.js's). On the search page (an element with
 * data-search-base): reads q and the filters from location.search, asks
 * BulletinSearch (search-core.js) for results, renders them, and keeps the URL in step
 * with history.replaceState so a search can be shared and bookmarked. Result links carry
 * the query as `#hl=...` (reading.js's withHighlight) so the article marks its terms.
 *
 * Works on file:// and under a CSP without 'unsafe-inline': index files are loaded by
 * <script> tags, never fetch(); nothing is inserted as HTML: every string from the index
 * or the query becomes a text node, and <mark> elements are built from snippet ranges.
 *
 * A classic script; under Node it runs no DOM code and exports its pure helpers
 * (readState, stateQuery, safeHref, resultHref, markRanges) for tests.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  const PAGE_SIZE = 10;
  const DEBOUNCE_MS = 250;
  const FILTERS = ["from", "to", "category", "sort", "inforce"];
  const CHECKED = "1"; // the value of a ticked checkbox filter (inforce: 仅现行有效)
  const SORT_BY_DATE = "date";
  const SAFE_PROTOCOLS = new Set(["http:", "https:", "file:"]);
  // Files every search starts with, relative to this script and to the search page.
  const CORE_SCRIPTS = ["search-tokens.js", "search-index.js", "search-core.js"];
  const MANIFEST = "search/manifest.js";
  const isNode = typeof module === "object" && module && module.exports;
  const hasDocument = typeof document !== "undefined";
  // This script's own URL (deferred scripts have currentScript): the search scripts sit beside it.
  const OWN_URL = hasDocument && document.currentScript ? document.currentScript.src : "";

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
    return state;
  }

  /** The location.search of a state: "" or "?q=...&..." with only the fields that are set. */
  function stateQuery(state) {
    const params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    for (const name of FILTERS) if (state[name]) params.set(name, state[name]);
    const query = params.toString();
    return query ? "?" + query : "";
  }

  /* ---- loading index files ------------------------------------------------------- */

  /** A loader for search-core: injects <script src> once per URL, resolves when it ran.
   * Scripts the page itself carries (search.html's index manifest, deferred) ran before this
   * one, so they count as loaded. */
  function scriptLoader(doc) {
    const pending = new Map();
    for (const script of doc.querySelectorAll("script[src]")) pending.set(script.src, Promise.resolve());
    return function load(relative) {
      const url = new URL(relative, doc.baseURI).href;
      if (!pending.has(url)) {
        const loaded = new Promise((resolve, reject) => {
          const script = doc.createElement("script");
          script.src = url;
          script.async = true;
          script.onload = () => resolve();
          script.onerror = () => {
            pending.delete(url);
            script.remove();
            reject(new Error("cannot load " + url));
          };
          doc.head.appendChild(script);
        });
        pending.set(url, loaded);
      }
      return pending.get(url);
    };
  }

  /* ---- rendering ------------------------------------------------------------------ */

  function element(doc, tag, className, text) {
    const node = doc.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, visible) {
    if (node) node.hidden = !visible;
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

  /** A filter field's state value: a checkbox is CHECKED or "", anything else its value. */
  function fieldValue(field) {
    if (!field) return "";
    if (field.type === "checkbox") return field.checked ? CHECKED : "";
    return field.value;
  }

  function replaceUrl(win, state) {
    const query = stateQuery(state);
    if (query === win.location.search) return;
    try {
      win.history.replaceState(null, "", win.location.pathname + query + win.location.hash);
    } catch (error) {
      /* some browsers refuse history changes on file://; the search still works */
    }
  }

  /* ---- the search page ------------------------------------------------------------ */

  class SearchPage {
    constructor(win, rootElement) {
      const doc = win.document;
      const byId = (id) => doc.getElementById(id);
      this.win = win;
      this.doc = doc;
      this.siteRoot = new URL(rootElement.getAttribute("data-site-root") || "./", doc.baseURI).href;
      this.base = new URL(rootElement.getAttribute("data-search-base") || "search/", doc.baseURI).href;
      this.form = byId("search-form");
      this.input = byId("search-q");
      this.fields = Object.fromEntries(FILTERS.map((name) => [name, byId("search-" + name)]));
      this.region = byId("search-results");
      this.status = byId("search-status");
      this.list = byId("search-list");
      this.more = byId("search-more");
      this.tips = byId("search-tips");
      this.empty = byId("search-empty");
      this.generation = 0;
      this.shown = 0;
      this.timer = null;
      this.engine = null;
      this.title = doc.title;
    }

    state() {
      const state = { q: this.input.value.trim() };
      for (const name of FILTERS) state[name] = fieldValue(this.fields[name]);
      if (state.sort !== SORT_BY_DATE) state.sort = "";
      return state;
    }

    fill(state) {
      this.input.value = state.q;
      for (const name of FILTERS) {
        const field = this.fields[name];
        if (field && field.type === "checkbox") field.checked = state[name] === CHECKED;
        else if (field && state[name]) field.value = state[name];
      }
    }

    async start() {
      const initial = readState(this.win.location.search);
      this.fill(initial);
      this.bind();
      try {
        this.engine = this.win.BulletinSearch.create({ base: this.base, load: scriptLoader(this.doc) });
        await this.fillCategories(initial.category); // loads the manifest before any query
        await this.run(false);
      } catch (error) {
        this.setStatus("搜索索引无法加载，请稍后再试或按日期浏览。");
        this.settle("error", 0, initial.q);
        if (this.win.console) this.win.console.error(error);
      }
    }

    /** Fill the category select from the index manifest: "name (count)" per category. */
    async fillCategories(selected) {
      const select = this.fields.category;
      if (!select) return;
      for (const category of await this.engine.categories()) {
        const option = element(this.doc, "option", "", category.name + "（" + category.count + "）");
        option.value = category.name;
        select.appendChild(option);
      }
      if (selected) select.value = selected;
    }

    bind() {
      this.form.addEventListener("submit", (event) => {
        event.preventDefault();
        this.schedule(0);
      });
      this.input.addEventListener("input", () => this.schedule(DEBOUNCE_MS));
      for (const name of FILTERS) {
        if (this.fields[name]) this.fields[name].addEventListener("change", () => this.schedule(0));
      }
      if (this.more) this.more.addEventListener("click", () => this.run(true));
    }

    schedule(delay) {
      if (this.timer) this.win.clearTimeout(this.timer);
      this.timer = this.win.setTimeout(() => {
        this.timer = null;
        this.run(false);
      }, delay);
    }

    setStatus(text) {
      this.status.textContent = text;
    }

    /** Run the current query: a fresh list, or (append) the next page of results. */
    async run(append) {
      const state = this.state();
      if (!append) replaceUrl(this.win, state);
      if (!this.engine) return;
      const generation = append ? this.generation : ++this.generation;
      if (!state.q) return this.reset();
      show(this.tips, false);
      this.region.setAttribute("aria-busy", "true");
      const options = { limit: PAGE_SIZE, offset: append ? this.shown : 0, sort: state.sort || "relevance" };
      for (const name of ["from", "to", "category"]) if (state[name]) options[name] = state[name];
      if (state.inforce) options.inForce = true;
      let answer;
      try {
        answer = await this.engine.search(state.q, options);
      } catch (error) {
        if (generation !== this.generation) return;
        this.setStatus("搜索出错：" + (error && error.message ? error.message : error));
        return this.settle("error", 0, state.q);
      }
      if (generation === this.generation) this.render(answer, append, state.q);
    }

    reset() {
      clear(this.list);
      this.shown = 0;
      this.setStatus("");
      show(this.more, false);
      show(this.empty, false);
      show(this.tips, true);
      this.settle("idle", 0, "");
      this.doc.title = this.title;
    }

    /** Show one page of results for QUERY; appended pages move focus to their first result. */
    render(answer, append, query) {
      const list = this.list;
      if (!append) {
        clear(list);
        this.shown = 0;
      }
      const first = list.children.length;
      const fragment = this.doc.createDocumentFragment();
      const results = answer.results || [];
      for (const result of results) fragment.appendChild(renderResult(this.doc, result, this.siteRoot, query));
      list.appendChild(fragment);
      this.shown += results.length;
      const total = answer.total || 0;
      this.setStatus(
        total
          ? "找到 " + total + " 篇公报" + (this.shown < total ? "，显示前 " + this.shown + " 篇" : "")
          : "没有找到包含「" + query + "」的公报。"
      );
      this.doc.title = "「" + query + "」 · " + this.title;
      show(this.empty, total === 0);
      show(this.more, this.shown < total);
      this.settle(total ? "results" : "none", total, query);
      if (append && list.children[first]) list.children[first].querySelector("a").focus();
    }

    /** Mark the region as up to date for QUERY (state: results|none|idle|error). */
    settle(state, total, query) {
      this.region.removeAttribute("aria-busy");
      this.region.setAttribute("data-state", state);
      this.region.setAttribute("data-query", query);
      this.region.setAttribute("data-total", String(total || 0));
      this.region.setAttribute("data-shown", String(this.shown));
    }
  }

  /* ---- every page ----------------------------------------------------------------- */

  /** Off the search page: the first time the header search box gets focus, prefetch the
   * files every search starts with (the search scripts and the index manifest), so the search
   * page the form opens finds them in the cache and its first query waits for less. */
  function prefetchOnFocus(doc, box) {
    if (!box || !box.form || !OWN_URL) return;
    const prefetch = () => {
      const searchPage = new URL(box.form.getAttribute("action") || "search.html", doc.baseURI);
      const urls = [...CORE_SCRIPTS.map((name) => new URL(name, OWN_URL)), new URL(MANIFEST, searchPage)];
      for (const url of urls) {
        const link = doc.createElement("link");
        link.rel = "prefetch";
        link.href = url.href;
        doc.head.appendChild(link);
      }
    };
    box.addEventListener("focus", prefetch, { once: true });
  }

  function init(win) {
    const doc = win.document;
    const page = doc.querySelector("[data-search-base]");
    if (page && win.BulletinSearch) new SearchPage(win, page).start();
    else if (!page) prefetchOnFocus(doc, doc.querySelector("form[role=search] input[type=search][name=q]"));
  }

  if (isNode) {
    module.exports = { readState, stateQuery, safeHref, resultHref, markRanges, PAGE_SIZE, FILTERS };
  } else if (hasDocument && root.window === root) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(root));
    else init(root);
  }
}
