/*
 * The 引用 block of an article page (theme/templates/article.html).
 *
 * Puts the reader's date (YYYY-MM-DD, local time) in place of the 引用日期 placeholder,
 * resolves a relative page address (a site without a public URL) against the reader's own
 * location, so a copy opened from disk cites its file:// URL, shows the copy and print
 * buttons (they need script) and hides the note that says what to fill in by hand.
 *
 * Copy uses navigator.clipboard.writeText; where that is missing or refused the citation's
 * text is selected instead, and the outcome is announced in the block's aria-live region.
 *
 * A classic script; under Node it touches no DOM and exports its pure helpers for tests.
 */
"use strict";
{
  const isNode = typeof module === "object" && module && module.exports;
  const hasDocument = typeof document !== "undefined";

  /** A Date -> "2026-11-30" in the reader's local time. */
  function isoDay(date) {
    const pad = (n) => String(n).padStart(2, "0");
    return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
  }

  /** HREF resolved against BASE, without query or fragment. */
  function pageUrl(href, base) {
    const url = new URL(href, base);
    url.search = "";
    url.hash = "";
    return url.href;
  }

  /** The citation as one line of text (the text of its element, spaces collapsed). */
  function oneLine(text) {
    return text.replace(/\s+/g, " ").trim();
  }

  function announce(status, message) {
    status.textContent = "";
    // A fresh text a moment later, so the same message is announced again on a second click.
    setTimeout(() => {
      status.textContent = message;
    }, 50);
  }

  function selectText(win, element) {
    const range = win.document.createRange();
    range.selectNodeContents(element);
    const selection = win.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(win, text, status) {
    const fallback = () => {
      selectText(win, text);
      announce(status, "已选中引用文字，请按 Ctrl+C（⌘C）复制");
    };
    const clipboard = win.navigator.clipboard;
    if (!clipboard || !clipboard.writeText) {
      fallback();
      return;
    }
    clipboard.writeText(oneLine(text.textContent)).then(() => announce(status, "已复制"), fallback);
  }

  function init(win) {
    const doc = win.document;
    const block = doc.querySelector(".citation");
    if (!block) return;
    const text = block.querySelector(".cite-text");
    const status = block.querySelector(".cite-status");
    block.querySelector(".cite-accessed").textContent = isoDay(new Date());
    const url = block.querySelector(".cite-url[data-href]");
    if (url) url.textContent = pageUrl(url.getAttribute("data-href"), doc.baseURI);
    const note = block.querySelector(".cite-nojs");
    if (note) note.hidden = true;
    const copyButton = block.querySelector(".cite-copy");
    copyButton.hidden = false;
    copyButton.addEventListener("click", () => copy(win, text, status));
    const printButton = block.querySelector(".cite-print");
    printButton.hidden = false;
    printButton.addEventListener("click", () => win.print());
  }

  if (isNode) {
    module.exports = { isoDay, pageUrl, oneLine };
  } else if (hasDocument) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", () => init(window));
    else init(window);
  }
}
