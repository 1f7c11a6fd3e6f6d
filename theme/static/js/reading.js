/*
 * reading.js: the reader's settings (text size, theme, line spacing, shortcuts on or off) and
 * the keyboard shortcuts of every page.
 *
 * Loaded on every page by a blocking <script src> in <head>, before the stylesheet: it reads
 * the settings from localStorage and sets them as data attributes on <html> (site.css does
 * the rest), so the first paint already has them. After DOMContentLoaded it wires the
 * 阅读设置 buttons (aria-pressed) and the shortcuts, and loads highlight.js when the address
 * carries search terms (`#hl=...`, set by search-ui.js on result links).
 *
 * Shortcuts (single keys, never while typing in a field; 快捷键：关闭 turns them off):
 *   /  focus the search box     s  open 阅读设置
 *   n  next highlight           p  previous highlight
 *   Esc  close 阅读设置, else clear the highlights (Esc works with shortcuts off too)
 *
 * A classic script; under Node it runs no DOM code and exports its pure helpers for tests.
 */
"use strict";
// A block, not a function: its declarations stay private to this script (classic scripts
// share one global scope; under Node the module has its own).
{
  const root = globalThis;

  const STORAGE_KEY = "bulletins.reading";
  // setting -> [attribute on <html>, allowed values]; "" is the default and sets no attribute
  const SETTINGS = Object.freeze({
    size: ["data-text-size", ["", "large", "xlarge"]],
    theme: ["data-theme", ["", "light", "dark", "contrast"]],
    spacing: ["data-line-spacing", ["", "loose"]],
    shortcuts: ["data-shortcuts", ["", "off"]],
  });
  const READY_CLASS = "js-reading"; // shows the settings control (site.css)
  const HIGHLIGHT_PARAM = "hl";
  const KEYS = Object.freeze({ "/": "search", s: "settings", n: "next", p: "previous" });
  const isNode = typeof module === "object" && module && module.exports;
  const hasDocument = typeof document !== "undefined";
  const OWN_URL = hasDocument && document.currentScript ? document.currentScript.src : "";
  const hasOwn = (object, key) => object != null && Object.prototype.hasOwnProperty.call(object, key);

  /* ---- pure helpers (exported under Node) ------------------------------------------ */

  /** Every setting from stored JSON: a known value, else the default "". */
  function parseSettings(raw) {
    let stored = null;
    try {
      stored = JSON.parse(raw || "null");
    } catch (error) {
      stored = null;
    }
    const settings = {};
    for (const [name, [, allowed]] of Object.entries(SETTINGS)) {
      const value = stored && typeof stored === "object" && hasOwn(stored, name) ? stored[name] : "";
      settings[name] = allowed.includes(value) ? value : "";
    }
    return settings;
  }

  /** The attributes of <html> for SETTINGS: [[attribute, value or null (removed)], ...]. */
  function settingAttributes(settings) {
    return Object.entries(SETTINGS).map(([name, [attribute]]) => [attribute, settings[name] || null]);
  }

  /** The query whose terms a location.hash asks to highlight ("#hl=..."), or "". */
  function highlightQuery(hash) {
    const params = new URLSearchParams(String(hash || "").replace(/^#/, ""));
    return (params.get(HIGHLIGHT_PARAM) || "").trim();
  }

  /** HREF with QUERY as its fragment (`#hl=...`), which stays in the browser: it is never
   * sent to a server and it works on file://. An empty query leaves HREF as it is. */
  function withHighlight(href, query) {
    const q = String(query || "").trim();
    if (!q) return String(href);
    return String(href).split("#")[0] + "#" + new URLSearchParams([[HIGHLIGHT_PARAM, q]]).toString();
  }

  /** The action of a key press ("search", "settings", "next", "previous", "escape" or ""):
   * none with Ctrl/Alt/Meta, while an input method composes, or while typing in a field;
   * the single-key shortcuts only when ENABLED. */
  function shortcutAction(event, typing, enabled) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing || typing) return "";
    if (event.key === "Escape") return "escape";
    return enabled && hasOwn(KEYS, event.key) ? KEYS[event.key] : "";
  }

  /* ---- the page ------------------------------------------------------------------- */

  function storage(win) {
    try {
      return win.localStorage;
    } catch (error) {
      return null; // storage blocked: the settings last for this page only
    }
  }

  function loadSettings(win) {
    try {
      const store = storage(win);
      return parseSettings(store ? store.getItem(STORAGE_KEY) : null);
    } catch (error) {
      return parseSettings(null);
    }
  }

  function saveSettings(win, settings) {
    try {
      const store = storage(win);
      if (store) store.setItem(STORAGE_KEY, JSON.stringify(settings));
    } catch (error) {
      /* quota or privacy mode: the choice still holds on this page */
    }
  }

  function applySettings(html, settings) {
    for (const [attribute, value] of settingAttributes(settings)) {
      if (value) html.setAttribute(attribute, value);
      else html.removeAttribute(attribute);
    }
  }

  function syncControls(doc, settings) {
    for (const button of doc.querySelectorAll("button[data-reading]")) {
      const value = button.getAttribute("data-value") || "";
      button.setAttribute("aria-pressed", String(settings[button.getAttribute("data-reading")] === value));
    }
  }

  /** The settings buttons: a click applies, shows and stores the choice; a change made in
   * another tab arrives through the storage event. */
  function bindControls(win, state) {
    const doc = win.document;
    const update = (settings) => {
      state.settings = settings;
      applySettings(doc.documentElement, settings);
      syncControls(doc, settings);
    };
    syncControls(doc, state.settings);
    doc.addEventListener("click", (event) => {
      const button = event.target instanceof win.Element ? event.target.closest("button[data-reading]") : null;
      const name = button && button.getAttribute("data-reading");
      if (!name || !hasOwn(SETTINGS, name)) return;
      const choice = { ...state.settings, [name]: button.getAttribute("data-value") || "" };
      update(parseSettings(JSON.stringify(choice)));
      saveSettings(win, state.settings);
    });
    win.addEventListener("storage", (event) => {
      if (event.key === STORAGE_KEY) update(parseSettings(event.newValue));
    });
  }

  function isTyping(target) {
    const tag = target && target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || Boolean(target && target.isContentEditable);
  }

  /** Run ACTION; true when it did something (the key press is then consumed). */
  function runAction(doc, action) {
    const settings = doc.getElementById("reading-settings");
    const highlighter = root.BulletinReading && root.BulletinReading.highlighter;
    if (action === "search") {
      const box = doc.getElementById("search-q") || doc.querySelector("input[type=search][name=q]");
      if (!box) return false;
      box.focus();
      box.select();
    } else if (action === "settings" && settings) {
      settings.open = true;
      settings.querySelector("summary").focus();
    } else if (action === "escape" && settings && settings.open) {
      settings.open = false;
      settings.querySelector("summary").focus();
    } else if (highlighter && highlighter.active() && hasOwn(highlighter.actions, action)) {
      highlighter.actions[action]();
    } else return false;
    return true;
  }

  function bindKeys(win, state) {
    const doc = win.document;
    doc.addEventListener("keydown", (event) => {
      if (event.defaultPrevented) return;
      const action = shortcutAction(event, isTyping(event.target), state.settings.shortcuts !== "off");
      if (action && runAction(doc, action)) event.preventDefault();
    });
  }

  /** Load highlight.js (beside this script) when the address asks for highlights. */
  function loadHighlighter(doc, query) {
    if (!query || !OWN_URL) return;
    const script = doc.createElement("script");
    script.src = new URL("highlight.js", OWN_URL).href;
    script.async = true;
    doc.head.appendChild(script);
  }

  function init(win, state) {
    bindControls(win, state);
    bindKeys(win, state);
    loadHighlighter(win.document, highlightQuery(win.location.hash));
  }

  const helpers = { parseSettings, settingAttributes, highlightQuery, withHighlight, shortcutAction, STORAGE_KEY };
  if (isNode) {
    module.exports = helpers;
  } else if (hasDocument && root.window === root) {
    const state = { settings: loadSettings(root) };
    applySettings(document.documentElement, state.settings);
    document.documentElement.classList.add(READY_CLASS);
    root.BulletinReading = Object.assign(root.BulletinReading || {}, helpers);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(root, state));
    else init(root, state);
  }
}
