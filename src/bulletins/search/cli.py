"""``bulletins search``: query a built archive from the terminal with the site's own search-core.js.

There is one search implementation: this module starts ``node`` on a small runner
(``bulletins/search/node/search-node.js``) that loads the built site's ``search-core.js`` and reads the
index files from disk. The CLI wires it in with ``add_arguments(parser)`` and ``run(args)``;
``NodeSearch`` keeps one Node process for many queries (tests, tools).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

RUNNER = Path(__file__).resolve().parent / "node" / "search-node.js"
# The search scripts a site ships, in load order; the runner loads the last, which loads the others.
CORE_FILES = ("search-tokens.js", "search-index.js", "search-core.js")
# Where Pelican puts the theme's static files (THEME_STATIC_DIR), then the source theme.
CORE_DIRS = ("theme/js", "js", "static/js")
SHOWN_BYTES = 60  # of a broken answer, in its error message
_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # fromisoformat alone also takes 20230101 and 2023-W01-1


class SearchError(Exception):
    """A problem the user can fix (no index, no node) or a failed search: printed as one line."""


def find_index(site: Path) -> tuple[Path, Path]:
    """``(search-core.js, index folder)`` of a built site; the other search scripts sit beside the core."""
    index = site / "search"
    if not (index / "manifest.js").is_file():
        raise SearchError(f"no search index in {site} (expected {index / 'manifest.js'}): build the site first")
    for folder in CORE_DIRS:
        present = [name for name in CORE_FILES if (site / folder / name).is_file()]
        if len(present) == len(CORE_FILES):
            return site / folder / CORE_FILES[-1], index
        if present:
            missing = ", ".join(name for name in CORE_FILES if name not in present)
            raise SearchError(f"incomplete search scripts in {site / folder}: {missing} missing; rebuild the site")
    raise SearchError(f"no search-core.js in {site} (looked in {', '.join(CORE_DIRS)})")


def node_binary() -> str:
    node = shutil.which("node")
    if not node:
        raise SearchError("node was not found on PATH: install Node.js 18 or newer to search from the terminal")
    return node


def request_line(
    query: str, options: dict, request_id: int = 1, fresh: bool = False, fields: Sequence[str] | None = None
) -> bytes:
    """One request for the runner: the query travels inside JSON, never as an argument."""
    request = {"id": request_id, "q": query, "opts": options, "fresh": fresh}
    if fields is not None:
        request["fields"] = list(fields)
    return (json.dumps(request, ensure_ascii=False) + "\n").encode("utf-8")


def parse_answer(line: bytes) -> dict:
    """The runner's answer line as a dict; a cut or garbled line, or an error reply, is a ``SearchError``."""
    try:
        if not line.endswith(b"\n"):
            raise ValueError("no line end")
        reply = json.loads(line.decode("utf-8"))
        if not isinstance(reply, dict):
            raise ValueError("not an object")
        complete = isinstance(reply.get("total"), int) and isinstance(reply.get("results"), list)
        if "error" not in reply and not complete:
            raise ValueError("no total and results")
    except ValueError:  # UnicodeDecodeError and JSONDecodeError too
        shown = line[:SHOWN_BYTES].decode("utf-8", "replace")
        raise SearchError(f"the search answer was cut short or garbled ({len(line)} bytes: {shown!r}...)") from None
    if "error" in reply:
        raise SearchError(str(reply["error"]))
    return reply


def _runner_failure(stderr: bytes) -> SearchError:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return SearchError(lines[-1] if lines else "the search runner stopped without an answer")


def search_once(site: Path, query: str, options: dict) -> dict:
    """One search of the built ``site``: ``{"total", "results"}`` as search-core.js answers."""
    core, index = find_index(site)
    done = subprocess.run(
        [node_binary(), str(RUNNER), str(core), str(index)],
        input=request_line(query, options),
        capture_output=True,
    )
    if done.returncode != 0 and not done.stdout:
        raise _runner_failure(done.stderr)
    return parse_answer(done.stdout)


class NodeSearch:
    """One Node process answering many searches over the same index, in order."""

    def __init__(self, core: Path, index: Path):
        self.process = subprocess.Popen(
            [node_binary(), str(RUNNER), str(core), str(index)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self.asked = 0

    def search(self, query: str, *, fresh: bool = False, fields: Sequence[str] | None = None, **options) -> dict:
        """search-core's answer; ``fresh`` runs it on a new engine and adds ``loaded``
        (the index files read, with their sizes); ``fields`` keeps only those of each result."""
        self.asked += 1
        try:
            self.process.stdin.write(request_line(query, options, self.asked, fresh, fields))
            self.process.stdin.flush()
        except OSError as error:  # the runner has stopped
            raise SearchError(f"the search runner stopped: {error}") from None
        return parse_answer(self.process.stdout.readline())

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.stdin.close()
            self.process.wait(timeout=30)
        self.process.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``bulletins search``."""
    parser.add_argument("query", nargs="?", help='words to find; spaces mean AND, "..." keeps spaces')
    parser.add_argument(
        "--queries",
        metavar="FILE",
        type=Path,
        help="search each line of FILE (- for stdin) with one Node start; with --json, one JSON answer per line",
    )
    parser.add_argument("--site", default="output", type=Path, help="the built archive (default: output)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--limit", type=int, default=10, help="results to show (0 = all; default 10)")
    parser.add_argument(
        "--from", dest="date_from", type=iso_day, metavar="YYYY-MM-DD", help="only bulletins from this date"
    )
    parser.add_argument(
        "--to", dest="date_to", type=iso_day, metavar="YYYY-MM-DD", help="only bulletins up to this date"
    )
    parser.add_argument("--category", help="only bulletins of this category")
    parser.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    parser.add_argument(
        "--in-force", action="store_true", help="leave out repealed (已废止) and expired (已失效) documents"
    )


def iso_day(value: str) -> str:
    """A ``--from``/``--to`` value: a real day written ``YYYY-MM-DD`` (the index compares dates as
    text, so ``20230101`` or ``2023-02-30`` would filter silently wrong)."""
    try:
        if _ISO_DAY.fullmatch(value) and dt.date.fromisoformat(value):
            return value
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"not a day written YYYY-MM-DD: {value!r}")


def _usage_error(args: argparse.Namespace) -> str | None:
    if args.limit < 0:
        return "--limit must be 0 (all) or more"
    if (args.query is None) == (args.queries is None):
        return "give one query, or --queries FILE, not both" if args.query is not None else "give a query"
    return None


def _options(args: argparse.Namespace) -> dict:
    options = {"limit": args.limit, "sort": args.sort}
    for name, value in (("from", args.date_from), ("to", args.date_to), ("category", args.category)):
        if value:
            options[name] = value
    if args.in_force:
        options["inForce"] = True
    if args.json:
        options["snippets"] = False  # the JSON shows none; a --limit 0 answer is then a third of the bytes
    return options


def run(args: argparse.Namespace) -> int:
    """Run one search (or every line of ``--queries``) and print it; return the exit status."""
    problem = _usage_error(args)
    if problem:
        print(f"search: {problem}", file=sys.stderr)
        return 2
    try:
        if args.queries is not None:
            return _run_many(args, _options(args))
        answer = search_once(Path(args.site), args.query, _options(args))
    except SearchError as error:
        print(f"search: {error}", file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(as_json(args.query, answer), ensure_ascii=False, indent=2))
    else:
        print(as_text(args.query, answer, color=sys.stdout.isatty()))
    return 0


def read_queries(path: Path) -> list[str]:
    """The queries of a ``--queries`` file (``-``: stdin), one a line; blank lines are skipped."""
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SearchError(f"cannot read the queries in {path}: {error}") from None
    return [line for line in text.splitlines() if line.strip()]


def _run_many(args: argparse.Namespace, options: dict) -> int:
    """Every query of ``--queries`` through one runner, each answer printed as it arrives: a JSON
    object per line with ``--json`` (the same object as one query's ``--json``), else the text
    blocks with a blank line between them."""
    queries = read_queries(args.queries)
    core, index = find_index(Path(args.site))
    color = not args.json and sys.stdout.isatty()
    with NodeSearch(core, index) as node:
        for n, query in enumerate(queries):
            answer = node.search(query, **options)
            if args.json:
                print(json.dumps(as_json(query, answer), ensure_ascii=False), flush=True)
            else:
                print(("\n" if n else "") + as_text(query, answer, color=color), flush=True)
    return 0


def as_json(query: str, answer: dict) -> dict:
    keys = ("url", "title", "date", "category", "score", "sourceId", "status")
    return {
        "query": query,
        "total": answer["total"],
        "results": [{key: result.get(key) for key in keys} for result in answer["results"]],
    }


def highlight(text: str, marks: list[list[int]], color: bool) -> str:
    start, end = ("\x1b[1;33m", "\x1b[0m") if color else ("[", "]")
    out, at = [], 0
    for a, b in marks:
        out += [text[at:a], start, text[a:b], end]
        at = b
    out.append(text[at:])
    return "".join(out)


def _utf16_marks(text: str, marks: list[list[int]]) -> list[list[int]]:
    """search-core.js counts UTF-16 units; Python counts code points."""
    units, index = [], 0
    for _i, ch in enumerate(text):
        units.append(index)
        index += 2 if ord(ch) > 0xFFFF else 1
    units.append(index)
    lookup = {u: i for i, u in enumerate(units)}
    return [[lookup.get(a, 0), lookup.get(b, len(text))] for a, b in marks]


def as_text(query: str, answer: dict, color: bool = False) -> str:
    lines = [
        f"{answer['total']} bulletins contain {query!r}"
        + (f", showing {len(answer['results'])}:" if answer["results"] else ".")
    ]
    for n, result in enumerate(answer["results"], 1):
        snippet = result["snippet"]
        status = f"  [{result['status']}]" if result.get("status") else ""  # 已废止, 已失效, 已修改
        lines.append(f"{n:>3}. {result['date']}  {result['title']}{status}")
        lines.append(f"     {result['url']}")
        lines.append("     " + highlight(snippet["text"], _utf16_marks(snippet["text"], snippet["marks"]), color))
    return "\n".join(lines)
