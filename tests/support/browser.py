"""Drive Debian's Chromium through Playwright against a built site.

    with launch() as browser, serve(output) as base:       # http://127.0.0.1:<port>/
        context, record = open_context(browser, base, output)
        page = context.new_page()
        page.goto(base + "index.html")
        record.assert_stayed_inside()
        record.assert_no_errors()

``launch`` never downloads a browser. Under pytest it runs Debian's headless shell,
/usr/bin/chromium-headless-shell (``apt-get install chromium-headless-shell``: the same Blink
without the full browser's UI, about half the CPU for the same pages), and /usr/bin/chromium when
the shell is absent; elsewhere (the search benchmark, whose figures are the full browser's) it
runs /usr/bin/chromium. ``BULLETINS_CHROMIUM=/path/to/chrome`` overrides both (``chromium_path``);
``launch(CHROMIUM)`` asks for the full browser (PDF printing, whose line breaks differ).
``serve`` binds 127.0.0.1 on a free port. ``Recorder`` keeps every request URL, console error,
uncaught page error and failed request of a browser context, so a test can assert the page
stayed inside the site. Screenshots go to ``test-artifacts/`` (gitignored) when
``BULLETINS_SCREENSHOTS=1`` asks for them: no test asserts on them, so a plain run skips them.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import logging
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = "BULLETINS_SCREENSHOTS"
CHROMIUM = Path("/usr/bin/chromium")
HEADLESS_SHELL = Path("/usr/bin/chromium-headless-shell")
CHROMIUM_ENV = "BULLETINS_CHROMIUM"
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
)
WIDTHS = {"desktop": 1280, "phone": 375}
# Schemes that never leave the page: inline data, generated blobs, the blank page.
LOCAL_SCHEMES = frozenset({"data", "blob", "about"})


def chromium_path() -> Path:
    """The Chromium ``launch`` runs: ``BULLETINS_CHROMIUM`` when set; under pytest the headless
    shell when installed; otherwise (and as the tests' fallback) Debian's full /usr/bin/chromium."""
    chosen = os.environ.get(CHROMIUM_ENV, "").strip()
    if chosen:
        return Path(chosen)
    if os.environ.get("PYTEST_VERSION") and HEADLESS_SHELL.exists():
        return HEADLESS_SHELL
    return CHROMIUM


@contextlib.contextmanager
def launch(executable: Path | None = None):
    """A headless Chromium (EXECUTABLE, default ``chromium_path()``) for the duration of the block;
    skips if absent."""
    executable = executable or chromium_path()
    if not executable.exists():
        pytest.skip(
            f"{executable} is absent: install it with `apt-get install -y chromium-headless-shell chromium`"
            " (./run testdeps)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(executable), args=list(CHROMIUM_ARGS), headless=True)
        try:
            yield browser
        finally:
            browser.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):
        log.debug("%s %s", self.address_string(), format % args)


@contextlib.contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve ROOT on http://127.0.0.1:<free port>/ in a thread; yields the base URL (with ``/``)."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def file_base(root: Path) -> str:
    """The ``file://`` URL of ROOT, with a trailing slash."""
    return root.resolve().as_uri() + "/"


def is_inside(url: str, base: str, root: Path) -> bool:
    """Whether URL stays inside the site served at BASE from ROOT.

    ``http(s):`` must be BASE's host and port; ``file:`` must lie under ROOT; ``data:``,
    ``blob:`` and ``about:`` never leave the page. Anything else (other hosts, ``ftp:``,
    ``javascript:``...) is outside.
    """
    parts = urlsplit(url)
    if parts.scheme in LOCAL_SCHEMES:
        return True
    if parts.scheme == "file":
        path = Path(unquote(parts.path)).resolve()
        return path == root.resolve() or root.resolve() in path.parents
    if parts.scheme in ("http", "https"):
        site = urlsplit(base)
        return parts.scheme == site.scheme and parts.netloc == site.netloc
    return False


@dataclass
class Recorder:
    """What one browser context did: requests, console errors, page errors, failed loads."""

    base: str
    root: Path
    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def attach(self, context) -> None:
        context.on("request", lambda request: self.requests.append(request.url))
        context.on("requestfailed", self._on_failed)
        context.on("response", self._on_response)
        context.on("console", self._on_console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("dialog", self._on_dialog)

    def _on_failed(self, request) -> None:
        self.failures.append(f"{request.url} ({request.failure})")

    def _on_response(self, response) -> None:
        if response.status >= 400:
            self.failures.append(f"{response.url} (HTTP {response.status})")

    def _on_console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(f"{message.text} at {message.location.get('url', '?')}")

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def outside(self) -> list[str]:
        """Every recorded request URL that left the site."""
        return [url for url in self.requests if not is_inside(url, self.base, self.root)]

    def assert_stayed_inside(self) -> None:
        assert self.requests, "no request was recorded: is the recorder attached?"
        outside = self.outside()
        assert not outside, f"{len(outside)} of {len(self.requests)} requests left the site: {outside[:10]}"

    def assert_no_errors(self) -> None:
        problems = self.console_errors + self.page_errors + self.failures
        assert not problems, f"{len(problems)} browser errors: {problems[:10]}"


def open_context(browser, base: str, root: Path, **options):
    """A new browser context with a ``Recorder`` attached; returns ``(context, recorder)``.

    OPTIONS go to ``browser.new_context`` (``color_scheme="dark"``, ``bypass_csp=True``...).
    Service workers are blocked so every request is seen by the recorder.
    """
    options.setdefault("service_workers", "block")
    options.setdefault("viewport", {"width": WIDTHS["desktop"], "height": 900})
    context = browser.new_context(**options)
    recorder = Recorder(base=base, root=root)
    recorder.attach(context)
    return context, recorder


def screenshots_wanted() -> bool:
    """Whether ``BULLETINS_SCREENSHOTS`` asks for screenshots (``1``, ``yes``, ``true``, ``on``)."""
    return os.environ.get(SCREENSHOTS, "").strip().lower() in ("1", "yes", "true", "on")


def screenshots(page, name: str) -> list[Path]:
    """Save full-page PNGs of PAGE at 1280 px and 375 px widths as ``test-artifacts/NAME-<width>.png``
    when ``BULLETINS_SCREENSHOTS`` asks for them (they are for people to look at); returns the files."""
    if not screenshots_wanted():
        return []
    ARTIFACTS.mkdir(exist_ok=True)
    original = page.viewport_size
    saved = []
    for width in WIDTHS.values():
        page.set_viewport_size({"width": width, "height": 900})
        path = ARTIFACTS / f"{name}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        saved.append(path)
    if original:
        page.set_viewport_size(original)
    return saved


@dataclass(frozen=True)
class Origin:
    """Where a test opens the site: ``base`` URL (http or file) of the ``root`` folder."""

    name: str
    base: str
    root: Path


@contextlib.contextmanager
def origin(kind: str, root: Path) -> Iterator[Origin]:
    """The site at ROOT opened over ``"http"`` (a 127.0.0.1 server for the block) or ``"file"``."""
    if kind == "file":
        yield Origin("file", file_base(root), root)
    elif kind == "http":
        with serve(root) as base:
            yield Origin("http", base, root)
    else:
        raise ValueError(f"unknown origin kind {kind!r}")


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG21_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
_AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 5).map((n) => n.target.join(" ") + " :: " + (n.failureSummary || "").replace(/\\s+/g, " ")),
  }));
}"""


def _axe_path() -> str:
    if not AXE.exists():
        pytest.skip(f"{AXE} is absent: run `npm install` (./run testdeps)")
    return str(AXE)


def with_axe(context):
    """Make axe-core part of every page CONTEXT opens, before the page's own scripts run.

    One init script per context instead of a 650 kB script tag per page: the source crosses
    from Python to the browser once, and no inline script is added to the page (the site's
    Content-Security-Policy never sees it). Returns CONTEXT.
    """
    context.add_init_script(path=_axe_path())
    return context


def axe_violations(page, tags=WCAG21_AA) -> list[dict]:
    """axe-core's violations of the rules tagged TAGS on PAGE.

    In a context prepared ``with_axe`` axe is already there; otherwise it is injected as a
    script tag (open such a context with ``bypass_csp=True``: the site's Content-Security-Policy
    forbids inline script)."""
    if not page.evaluate("typeof axe === 'object'"):
        page.add_script_tag(path=_axe_path())
    return page.evaluate(_AXE_RUN, list(tags))


def goto_fresh(page, url: str, **options):
    """Load URL as a new document even when PAGE shows the same one with another fragment
    (which alone would not load the page again); a plain ``goto`` otherwise."""
    if page.url.partition("#")[0] == url.partition("#")[0]:
        page.goto("about:blank")
    return page.goto(url, **options)


@contextlib.contextmanager
def opened_page(browser, root: Path, scheme: str):
    """A fresh page (empty storage) on the site in ROOT over SCHEME ("http" or "file"), and its
    base URL; afterwards, that the page requested nothing outside the site and logged no error."""
    with origin(scheme, root) as where:
        context, recorder = open_context(browser, where.base, where.root)
        yield context.new_page(), where.base
        context.close()
        recorder.assert_stayed_inside()
        recorder.assert_no_errors()
