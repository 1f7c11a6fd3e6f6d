/*
 * Search UI: the only code that touches the DOM.
 *
 * On every page: "/" focuses the search box. On the search page (an element with
 * data-search-base): reads q and the filters from location.search, asks
 * BulletinSearch (search-core.js) for results, renders them, and keeps the URL in step
 * with history.replaceState so a search can be shared and bookmarked.
 *
 * Works on file:// and under a CSP without 'unsafe-inline': index files are loaded by
 * <script> tags, never fetch(); nothing is inserted as HTML: every string from the index
 * or the query becomes a text node, and <mark> elements are built from snippet ranges.
 */
(function () {
  "use strict";

  var PAGE_SIZE = 10;
  var DEBOUNCE_MS = 250;
  var FILTERS = ["from", "to", "category", "sort"];
  var SAFE_PROTOCOLS = { "http:": true, "https:": true, "file:": true };
  // This script's own URL (deferred scripts have currentScript): search-core.js sits beside it.
  var OWN_URL = typeof document !== "undefined" && document.currentScript ? document.currentScript.src : "";

  /* ---- loading index files ------------------------------------------------------- */

  /** A loader for search-core: injects <script src> once per URL, resolves when it ran.
   * Scripts the page itself carries (search.html's index manifest, deferred) ran before this
   * one, so they count as loaded. */
  function scriptLoader(doc) {
    var pending = Object.create(null);
    Array.prototype.forEach.call(doc.querySelectorAll("script[src]"), function (script) {
      pending[script.src] = Promise.resolve();
    });
    return function load(relative) {
      var url = new URL(relative, doc.baseURI).href;
      if (!pending[url]) {
        pending[url] = new Promise(function (resolve, reject) {
          var script = doc.createElement("script");
          script.src = url;
          script.async = true;
          script.onload = function () { resolve(); };
          script.onerror = function () {
            delete pending[url];
            script.remove();
            reject(new Error("cannot load " + url));
          };
          doc.head.appendChild(script);
        });
      }
      return pending[url];
    };
  }

  /* ---- small DOM helpers ---------------------------------------------------------- */

  function element(doc, tag, className, text) {
    var node = doc.createElement(tag);
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

  /** Normalise snippet marks to sorted, non-overlapping [start, end) pairs inside text. */
  function markRanges(snippet) {
    var length = snippet.text.length;
    var ranges = (snippet.marks || []).map(function (mark) {
      var start = Array.isArray(mark) ? mark[0] : mark.start;
      var end = Array.isArray(mark) ? mark[1] : mark.end;
      return [Math.max(0, Number(start) || 0), Math.min(length, Number(end) || 0)];
    }).filter(function (r) { return r[1] > r[0]; });
    ranges.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    var merged = [];
    ranges.forEach(function (r) {
      var last = merged[merged.length - 1];
      if (last && r[0] <= last[1]) last[1] = Math.max(last[1], r[1]);
      else merged.push(r.slice());
    });
    return merged;
  }

  /** Append snippet text to parent as text nodes, with <mark> around each matched range. */
  function appendSnippet(doc, parent, snippet) {
    if (!snippet || typeof snippet.text !== "string") return;
    var text = snippet.text;
    var pos = 0;
    markRanges(snippet).forEach(function (r) {
      if (r[0] > pos) parent.appendChild(doc.createTextNode(text.slice(pos, r[0])));
      parent.appendChild(element(doc, "mark", "", text.slice(r[0], r[1])));
      pos = r[1];
    });
    if (pos < text.length) parent.appendChild(doc.createTextNode(text.slice(pos)));
  }

  /** Resolve a result URL against the site root; anything but http(s)/file becomes "#". */
  function safeHref(url, siteRoot) {
    try {
      var resolved = new URL(String(url), siteRoot);
      return SAFE_PROTOCOLS[resolved.protocol] ? resolved.href : "#";
    } catch (e) {
      return "#";
    }
  }

  function renderResult(doc, result, siteRoot) {
    var item = element(doc, "li", "search-result");
    var heading = element(doc, "h2", "search-result-title");
    var link = element(doc, "a");
    appendSnippet(doc, link, { text: String(result.title || result.url), marks: result.titleMarks });
    link.href = safeHref(result.url, siteRoot);
    heading.appendChild(link);
    item.appendChild(heading);

    var meta = element(doc, "p", "search-result-meta");
    if (result.date) {
      var time = element(doc, "time", "", result.date);
      time.setAttribute("datetime", String(result.date));
      meta.appendChild(time);
    }
    if (result.category) {
      if (meta.firstChild) meta.appendChild(doc.createTextNode(" · "));
      meta.appendChild(element(doc, "span", "search-result-category", result.category));
    }
    if (meta.firstChild) item.appendChild(meta);

    if (result.snippet && result.snippet.text) {
      var snippet = element(doc, "p", "search-result-snippet");
      appendSnippet(doc, snippet, result.snippet);
      item.appendChild(snippet);
    }
    return item;
  }

  /* ---- the URL <-> form state ----------------------------------------------------- */

  function readState(search) {
    var params = new URLSearchParams(search);
    var state = { q: (params.get("q") || "").trim() };
    FILTERS.forEach(function (name) { state[name] = params.get(name) || ""; });
    if (state.sort !== "date") state.sort = "";
    return state;
  }

  function stateQuery(state) {
    var params = new URLSearchParams();
    if (state.q) params.set("q", state.q);
    FILTERS.forEach(function (name) { if (state[name]) params.set(name, state[name]); });
    var query = params.toString();
    return query ? "?" + query : "";
  }

  function replaceUrl(win, state) {
    var query = stateQuery(state);
    if (query === win.location.search) return;
    try {
      win.history.replaceState(null, "", win.location.pathname + query + win.location.hash);
    } catch (e) {
      /* some browsers refuse history changes on file://; the search still works */
    }
  }

  /* ---- the search page ------------------------------------------------------------ */

  function SearchPage(win, root) {
    var doc = win.document;
    this.win = win;
    this.doc = doc;
    this.root = root;
    this.siteRoot = new URL(root.getAttribute("data-site-root") || "./", doc.baseURI).href;
    this.base = new URL(root.getAttribute("data-search-base") || "search/", doc.baseURI).href;
    this.form = doc.getElementById("search-form");
    this.input = doc.getElementById("search-q");
    this.fields = {
      from: doc.getElementById("search-from"),
      to: doc.getElementById("search-to"),
      category: doc.getElementById("search-category"),
      sort: doc.getElementById("search-sort"),
    };
    this.region = doc.getElementById("search-results");
    this.status = doc.getElementById("search-status");
    this.list = doc.getElementById("search-list");
    this.more = doc.getElementById("search-more");
    this.tips = doc.getElementById("search-tips");
    this.empty = doc.getElementById("search-empty");
    this.generation = 0;
    this.shown = 0;
    this.timer = null;
    this.engine = null;
    this.title = doc.title;
  }

  SearchPage.prototype.state = function () {
    var state = { q: this.input.value.trim() };
    var fields = this.fields;
    FILTERS.forEach(function (name) { state[name] = fields[name] ? fields[name].value : ""; });
    if (state.sort !== "date") state.sort = "";
    return state;
  };

  SearchPage.prototype.fill = function (state) {
    var fields = this.fields;
    this.input.value = state.q;
    FILTERS.forEach(function (name) {
      if (fields[name] && state[name]) fields[name].value = state[name];
    });
  };

  SearchPage.prototype.start = function () {
    var self = this;
    var initial = readState(this.win.location.search);
    this.fill(initial);
    this.bind();
    var load = scriptLoader(this.doc);
    return Promise.resolve()
      .then(function () { return self.win.BulletinSearch.create({ base: self.base, load: load }); })
      .then(function (engine) {
        self.engine = engine;
        return self.fillCategories(initial.category); // loads the manifest before any query
      })
      .then(function () { return self.run(false); })
      .catch(function (error) {
        self.setStatus("搜索索引无法加载，请稍后再试或按日期浏览。");
        self.settle("error", 0, initial.q);
        if (self.win.console) self.win.console.error(error);
      });
  };

  /** Fill the category select from the index manifest: "name (count)" per category. */
  SearchPage.prototype.fillCategories = function (selected) {
    var select = this.fields.category;
    var doc = this.doc;
    if (!select) return Promise.resolve();
    return this.engine.categories().then(function (categories) {
      categories.forEach(function (category) {
        var option = element(doc, "option", "", category.name + "（" + category.count + "）");
        option.value = category.name;
        select.appendChild(option);
      });
      if (selected) select.value = selected;
    });
  };

  SearchPage.prototype.bind = function () {
    var self = this;
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.schedule(0);
    });
    this.input.addEventListener("input", function () { self.schedule(DEBOUNCE_MS); });
    FILTERS.forEach(function (name) {
      var field = self.fields[name];
      if (field) field.addEventListener("change", function () { self.schedule(0); });
    });
    if (this.more) {
      this.more.addEventListener("click", function () { self.run(true); });
    }
  };

  SearchPage.prototype.schedule = function (delay) {
    var self = this;
    if (this.timer) this.win.clearTimeout(this.timer);
    this.timer = this.win.setTimeout(function () {
      self.timer = null;
      self.run(false);
    }, delay);
  };

  SearchPage.prototype.setStatus = function (text) {
    this.status.textContent = text;
  };

  /** Run the current query: a fresh list, or (append) the next page of results. */
  SearchPage.prototype.run = function (append) {
    var self = this;
    var state = this.state();
    if (!append) replaceUrl(this.win, state);
    if (!this.engine) return Promise.resolve();
    var generation = append ? this.generation : ++this.generation;
    if (!state.q) {
      this.reset();
      return Promise.resolve();
    }
    show(this.tips, false);
    this.region.setAttribute("aria-busy", "true");
    var options = {
      limit: PAGE_SIZE,
      offset: append ? this.shown : 0,
      sort: state.sort || "relevance",
    };
    if (state.from) options.from = state.from;
    if (state.to) options.to = state.to;
    if (state.category) options.category = state.category;
    return this.engine.search(state.q, options).then(function (answer) {
      if (generation !== self.generation) return;
      self.render(answer, append, state.q);
    }, function (error) {
      if (generation !== self.generation) return;
      self.setStatus("搜索出错：" + (error && error.message ? error.message : error));
      self.settle("error", 0, state.q);
    });
  };

  SearchPage.prototype.reset = function () {
    clear(this.list);
    this.shown = 0;
    this.setStatus("");
    show(this.more, false);
    show(this.empty, false);
    show(this.tips, true);
    this.settle("idle", 0, "");
    this.doc.title = this.title;
  };

  /** Show one page of results for QUERY; appended pages move focus to their first result. */
  SearchPage.prototype.render = function (answer, append, query) {
    var doc = this.doc;
    var list = this.list;
    var siteRoot = this.siteRoot;
    var results = answer.results || [];
    if (!append) {
      clear(list);
      this.shown = 0;
    }
    var first = list.children.length;
    var fragment = doc.createDocumentFragment();
    results.forEach(function (result) { fragment.appendChild(renderResult(doc, result, siteRoot)); });
    list.appendChild(fragment);
    this.shown += results.length;
    var total = answer.total || 0;
    this.setStatus(total
      ? "找到 " + total + " 篇公报" + (this.shown < total ? "，显示前 " + this.shown + " 篇" : "")
      : "没有找到包含「" + query + "」的公报。");
    doc.title = "「" + query + "」 · " + this.title;
    show(this.empty, total === 0);
    show(this.more, this.shown < total);
    this.settle(total ? "results" : "none", total, query);
    if (append && list.children[first]) list.children[first].querySelector("a").focus();
  };

  /** Mark the region as up to date for QUERY (state: results|none|idle|error). */
  SearchPage.prototype.settle = function (state, total, query) {
    this.region.removeAttribute("aria-busy");
    this.region.setAttribute("data-state", state);
    this.region.setAttribute("data-query", query);
    this.region.setAttribute("data-total", String(total || 0));
    this.region.setAttribute("data-shown", String(this.shown));
  };

  /* ---- every page ----------------------------------------------------------------- */

  /** "/" focuses the search box unless the reader is typing somewhere already. */
  function bindSlashKey(doc) {
    doc.addEventListener("keydown", function (event) {
      if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
      var target = event.target;
      var tag = target && target.tagName;
      if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || (target && target.isContentEditable)) return;
      var box = doc.getElementById("search-q") || doc.querySelector("input[type=search][name=q]");
      if (!box) return;
      event.preventDefault();
      box.focus();
      box.select();
    });
  }

  /** Off the search page: the first time the header search box gets focus, prefetch the
   * files every search starts with (search-core.js and the index manifest), so the search
   * page the form opens finds them in the cache and its first query waits for less. */
  function prefetchOnFocus(doc, box) {
    if (!box || !box.form || !OWN_URL) return;
    box.addEventListener("focus", function () {
      var searchPage = new URL(box.form.getAttribute("action") || "search.html", doc.baseURI);
      [new URL("search-core.js", OWN_URL), new URL("search/manifest.js", searchPage)].forEach(function (url) {
        var link = doc.createElement("link");
        link.rel = "prefetch";
        link.href = url.href;
        doc.head.appendChild(link);
      });
    }, { once: true });
  }

  function init(win) {
    var doc = win.document;
    bindSlashKey(doc);
    var root = doc.querySelector("[data-search-base]");
    if (root && win.BulletinSearch) new SearchPage(win, root).start();
    else if (!root) prefetchOnFocus(doc, doc.querySelector("form[role=search] input[type=search][name=q]"));
  }

  if (typeof window !== "undefined" && window.document) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { init(window); });
    } else {
      init(window);
    }
  }
})();
