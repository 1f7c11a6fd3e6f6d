"""Chromium probes for bench_search.py: cold page loads and warm query loops, both engines.

A cold probe opens one page in a fresh browser context (empty cache) and reports the files
the search needed (raw bytes, bytes gzip would send, count) and the time from navigation
start until the results were on screen. A warm probe runs every query twice in one page
and times the second pass, when the index files it needs are already loaded.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import socket
import subprocess
import sys
import time
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote, unquote, urlsplit

from bulletins.search.cli import CORE_FILES
from bulletins.site.minify import minify_text, readable_link

PAGE_SIZE = 10  # results shown per page, both engines (search-ui.js shows 10)
TIMEOUT_MS = 60_000

# Records when search-ui.js marks the result region as settled for a query.
UI_SETTLED = """
new MutationObserver((_, observer) => {
  const region = document.getElementById('search-results');
  if (region && region.dataset.state && region.dataset.state !== 'idle') {
    window.__settledAt = performance.now();
    window.__total = Number(region.dataset.total);
    observer.disconnect();
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-state']});
"""

# Tells the driver when a page sets window.__settledAt (both engines' pages and UI_SETTLED do),
# by a console message: waiting for it needs nothing evaluated in the page. Polling with
# wait_for_function would first inject Playwright's own script into the page, a compile of
# tens of milliseconds on the page's main thread in the middle of the query being timed.
SETTLED = "__settled"
SETTLED_NOTICE = (
    """
Object.defineProperty(window, '__settledAt', {configurable: true, set(value) {
  Object.defineProperty(window, '__settledAt', {value, writable: true, configurable: true});
  console.log('%s');
}});
"""
    % SETTLED
)

SCRIPT_LOADER = """
const pending = {};
const load = url => pending[url] || (pending[url] = new Promise((resolve, reject) => {
  const script = document.createElement('script');
  script.src = url;
  script.onload = () => resolve();
  script.onerror = () => reject(new Error('cannot load ' + url));
  document.head.appendChild(script);
}));
"""

CORE_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>search-core</title></head>
<body>%s<script src="bench-run.js"></script></body></html>
""" % "".join(f'<script src="{name}"></script>' for name in CORE_FILES)

CORE_RUN = """(function () {
  %s
  var q = new URLSearchParams(location.search).get('q');
  if (!q) return;
  BulletinSearch.create({base: 'search/', load: load}).search(q, {limit: %d}).then(function (page) {
    window.__total = page.total;
    window.__settledAt = performance.now();
  });
})();
""" % (SCRIPT_LOADER, PAGE_SIZE)

PAGEFIND_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>pagefind</title></head>
<body><script type="module" src="pagefind-bench.js"></script></body></html>
"""

PAGEFIND_RUN = (
    """const pagefind = await import('./pagefind/pagefind.js');
window.__pagefind = pagefind;
const q = new URLSearchParams(location.search).get('q');
if (q) {
  const found = await pagefind.search(q);
  await Promise.all(found.results.slice(0, %d).map(r => r.data()));
  window.__total = found.results.length;
  window.__settledAt = performance.now();
}
"""
    % PAGE_SIZE
)

WARM_CORE = """async ({base, queries, all}) => {
  %s
  const engine = BulletinSearch.create({base, load});
  const urls = [];
  for (const q of queries) {
    const page = await engine.search(q, {limit: all ? 0 : %d});
    urls.push(all ? page.results.map(r => r.url) : []);
  }
  const times = [];
  for (const q of queries) {
    const started = performance.now();
    await engine.search(q, {limit: %d});
    times.push(performance.now() - started);
  }
  return {urls, times};
}""" % (SCRIPT_LOADER, PAGE_SIZE, PAGE_SIZE)

WARM_PAGEFIND = """async (queries) => {
  const pagefind = window.__pagefind;
  const ids = [];
  for (const q of queries) {
    const found = await pagefind.search(q);
    await Promise.all(found.results.slice(0, %d).map(r => r.data()));
    ids.push(found.results.map(r => r.id));
  }
  const times = [];
  for (const q of queries) {
    const started = performance.now();
    const found = await pagefind.search(q);
    await Promise.all(found.results.slice(0, %d).map(r => r.data()));
    times.push(performance.now() - started);
  }
  return {urls: ids, times};
}""" % (PAGE_SIZE, PAGE_SIZE)


@contextlib.contextmanager
def serve(root: Path):
    """Serve ROOT on 127.0.0.1 from a separate process (a server thread in this process would
    compete with the browser driver for the interpreter lock and slow every response)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(root)]
    server = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.1):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.terminate()
        server.wait(timeout=10)


@dataclass(frozen=True)
class Cold:
    raw: int  # bytes of the search's files as stored
    gzipped: int  # the same files gzip-compressed (what a compressing host sends)
    files: int
    ms: float  # navigation start -> results on screen
    query_ms: float  # page parsed (domInteractive) -> results on screen: loading the index + searching
    total: int


@dataclass(frozen=True)
class Warm:
    urls: list  # per query: every result URL (or Pagefind result id)
    times: list  # per query: ms of the second run


@functools.cache
def _sizes(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    return len(data), len(gzip.compress(data, 6))


def _cold(browser, url: str, root: Path, counted, init: str | None = None) -> Cold:
    context = browser.new_context(service_workers="block")
    requested: list[str] = []
    context.on("request", lambda request: requested.append(request.url))
    context.add_init_script(SETTLED_NOTICE)
    if init:
        context.add_init_script(init)
    page = context.new_page()
    with page.expect_console_message(lambda message: message.text == SETTLED, timeout=TIMEOUT_MS):
        page.goto(url, wait_until="commit")
    settled, total, interactive = page.evaluate(
        "[window.__settledAt, window.__total, performance.getEntriesByType('navigation')[0].domInteractive]"
    )
    context.close()
    files = {root / unquote(urlsplit(u).path).lstrip("/") for u in requested}
    searched = [f for f in files if f.is_file() and counted(f.relative_to(root).as_posix())]
    sizes = [_sizes(f) for f in searched]
    return Cold(sum(s[0] for s in sizes), sum(s[1] for s in sizes), len(sizes), settled, settled - interactive, total)


def _is_ours(path: str) -> bool:
    return path.startswith("search/") or path.endswith((*CORE_FILES, "search-view.js", "search-ui.js"))


def cold_ui(browser, base: str, root: Path, query: str) -> Cold:
    """The real search page, ``search.html?q=QUERY``, in a fresh context."""
    return _cold(browser, f"{base}search.html?q={quote(query)}", root, _is_ours, UI_SETTLED)


def cold_core(browser, base: str, root: Path, query: str) -> Cold:
    """search-core.js alone (``bench.html``, see ``write_core_page``), first page of results."""
    return _cold(browser, f"{base}bench.html?q={quote(query)}", root, _is_ours)


def cold_pagefind(browser, base: str, root: Path, query: str) -> Cold:
    """Pagefind's JS API: search, then ``data()`` for the first page of results."""
    return _cold(browser, f"{base}pagefind-bench.html?q={quote(query)}", root, lambda p: p.startswith("pagefind/"))


def warm_core(browser, page_url: str, index_base: str, queries: list[str], all_results: bool = True) -> Warm:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto(page_url)
    page.wait_for_function("() => typeof BulletinSearch !== 'undefined'")
    answer = page.evaluate(WARM_CORE, {"base": index_base, "queries": queries, "all": all_results})
    context.close()
    return Warm(answer["urls"], answer["times"])


def warm_pagefind(browser, base: str, queries: list[str]) -> Warm:
    context = browser.new_context(service_workers="block")
    page = context.new_page()
    page.goto(base + "pagefind-bench.html")
    page.wait_for_function("() => window.__pagefind !== undefined")
    answer = page.evaluate(WARM_PAGEFIND, queries)
    context.close()
    return Warm(answer["urls"], answer["times"])


def served(script: Path) -> bytes:
    """A theme script or style sheet as a built site serves it (minified, as ``BULLETINS_MINIFY_THEME``
    does by default)."""
    link = readable_link(PurePosixPath(script.parent.name, script.name))
    return minify_text(script.read_text(encoding="utf-8"), script.suffix, link).encode("utf-8")


def write_core_page(root: Path) -> None:
    """``bench.html`` + ``bench-run.js`` + the search scripts as a site serves them, beside ``root/search/``."""
    scripts = Path(__file__).resolve().parents[1] / "theme" / "static" / "js"
    for name in CORE_FILES:
        (root / name).write_bytes(served(scripts / name))
    (root / "bench.html").write_text(CORE_PAGE, encoding="utf-8")
    (root / "bench-run.js").write_text(CORE_RUN, encoding="utf-8")


def write_pagefind_page(root: Path) -> None:
    (root / "pagefind-bench.html").write_text(PAGEFIND_PAGE, encoding="utf-8")
    (root / "pagefind-bench.js").write_text(PAGEFIND_RUN, encoding="utf-8")


def pagefind_fragment_urls(bundle: Path) -> dict[str, str]:
    """Pagefind result id -> page URL, read from the fragment files on disk."""
    urls = {}
    for path in (bundle / "fragment").glob("*.pf_fragment"):
        data = zlib.decompress(path.read_bytes(), 16 + zlib.MAX_WBITS)
        data = data[data.index(b"{") :]
        urls[path.stem.split("_", 1)[-1]] = json.loads(data)["url"]
        urls[path.stem] = urls[path.stem.split("_", 1)[-1]]
    return urls
