/*
 * Search UI: when the search page searches and what it does with the answer; search-view.js
 * builds what it shows. These two are the only code that touches the DOM.
 *
 * On every page: prefetches the search files when the header box gets focus (the "/" key
 * and the other shortcuts are reading.js's). On the search page (an element with
 * data-search-base): reads q and the filters from location.search, asks
 * BulletinSearch (search-core.js) for results, renders them, and keeps the URL in step
 * with history.replaceState so a search can be shared and bookmarked. Result links carry
 * the query as `#hl=...` (reading.js's withHighlight) so the article marks its terms.
 *
 * Works on file:// and under a CSP without 'unsafe-inline': index files are loaded by
 * <script> tags, never fetch(); nothing is inserted as HTML (see search-view.js).
 *
 * A classic script; under Node it runs no DOM code and exports the pure helpers of
 * search-view.js (readState, stateQuery, safeHref, resultHref, markRanges) for tests.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  const DEBOUNCE_MS = 250;
  const DATE_FIELDS = ["from", "to"]; // text until the first answer is shown (datePickers)
  // Files every search starts with, relative to this script and to the search page.
  const CORE_SCRIPTS = ["search-tokens.js", "search-index.js", "search-core.js", "search-view.js"];
  const MANIFEST = "search/manifest.js";
  const isNode = typeof module === "object" && module && module.exports;
  const hasDocument = typeof document !== "undefined";
  // This script's own URL (deferred scripts have currentScript): the search scripts sit beside it.
  const OWN_URL = hasDocument && document.currentScript ? document.currentScript.src : "";
  /** search-view.js (loaded before this script on the search page; absent elsewhere). */
  const view = () => (isNode ? require("./search-view.js") : root.BulletinSearch && root.BulletinSearch.view);

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

  /* ---- the page's own DOM ---------------------------------------------------------- */

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function show(node, visible) {
    if (node) node.hidden = !visible;
  }

  /** A filter field's state value: a checkbox is CHECKED or "", anything else its value. */
  function fieldValue(field, checked) {
    if (!field) return "";
    if (field.type === "checkbox") return field.checked ? checked : "";
    return field.value;
  }

  function replaceUrl(win, state, stateQuery) {
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
      this.view = view();
      this.siteRoot = new URL(rootElement.getAttribute("data-site-root") || "./", doc.baseURI).href;
      this.base = new URL(rootElement.getAttribute("data-search-base") || "search/", doc.baseURI).href;
      this.form = byId("search-form");
      this.input = byId("search-q");
      this.fields = Object.fromEntries(this.view.FILTERS.map((name) => [name, byId("search-" + name)]));
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
      const { FILTERS, CHECKED, SORT_BY_DATE } = this.view;
      const state = { q: this.input.value.trim() };
      for (const name of FILTERS) state[name] = fieldValue(this.fields[name], CHECKED);
      if (state.sort !== SORT_BY_DATE) state.sort = "";
      for (const name of DATE_FIELDS) state[name] = this.view.isoDay(state[name]);
      return state;
    }

    fill(state) {
      this.input.value = state.q;
      for (const name of this.view.FILTERS) {
        const field = this.fields[name];
        if (field && field.type === "checkbox") field.checked = state[name] === this.view.CHECKED;
        else if (field && state[name]) field.value = state[name];
      }
    }

    async start() {
      const initial = this.view.readState(this.win.location.search);
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
      this.datePickers();
    }

    /** The date fields arrive as text (YYYY-MM-DD) and become date pickers once the first answer
     * is shown, or as soon as the form gets focus: making the pickers at load cost the first query
     * about 20 ms of the page's first style and layout, before its results could be fetched. A
     * field that has the focus (EXCEPT) is left as it is while the reader types in it. */
    datePickers(except) {
      for (const name of DATE_FIELDS) {
        const field = this.fields[name];
        if (field && field !== except && field.type !== "date") field.type = "date"; // the value is kept
      }
    }

    /** Fill the category select from the index manifest: "name (count)" per category. */
    async fillCategories(selected) {
      const select = this.fields.category;
      if (!select) return;
      for (const category of await this.engine.categories()) {
        const option = this.view.element(this.doc, "option", "", category.name + "（" + category.count + "）");
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
      this.form.addEventListener("focusin", (event) => this.datePickers(event.target));
      for (const name of this.view.FILTERS) {
        if (this.fields[name]) this.fields[name].addEventListener("change", () => this.schedule(0));
      }
      if (this.more) this.more.addEventListener("click", () => this.run(true));
    }

    /** Run the query after DELAY ms; until then the results region is marked busy, so
     * nothing (a screen reader, a test) takes the list it still shows for the new answer. */
    schedule(delay) {
      if (this.timer) this.win.clearTimeout(this.timer);
      this.region.setAttribute("aria-busy", "true");
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
      if (!append) replaceUrl(this.win, state, this.view.stateQuery);
      if (!this.engine) return;
      const generation = append ? this.generation : ++this.generation;
      if (!state.q) return this.reset();
      show(this.tips, false);
      this.region.setAttribute("aria-busy", "true");
      let answer;
      try {
        answer = await this.engine.search(state.q, this.view.searchOptions(state, append ? this.shown : 0));
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
      for (const result of results) fragment.appendChild(this.view.renderResult(this.doc, result, this.siteRoot, query));
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
    if (page && view()) new SearchPage(win, page).start();
    else if (!page) prefetchOnFocus(doc, doc.querySelector("form[role=search] input[type=search][name=q]"));
  }

  if (isNode) {
    const { readState, isoDay, stateQuery, safeHref, resultHref, markRanges, PAGE_SIZE, FILTERS } = view();
    module.exports = { readState, isoDay, stateQuery, safeHref, resultHref, markRanges, PAGE_SIZE, FILTERS };
  } else if (hasDocument && root.window === root) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(root));
    else init(root);
  }
}
