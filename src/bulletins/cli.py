"""The ``bulletins`` command: ``ingest``, ``inspect`` and ``search``, thin over the library.

Exit status: 0 when everything went through, 1 when any bulletin or file had a problem (each
printed as one ``path[:line]: reason`` line on stderr), 2 for a usage error.

Every message line goes through ``warn``, which escapes what a terminal would act on (line
breaks, escape sequences, bidi controls, lone surrogates): file names and values come from
the sources and are shown, never obeyed.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import sys
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from bulletins import __version__
from bulletins.ingest import frame, gazette
from bulletins.ingest.dates import MIN_YEAR, YearRange
from bulletins.ingest.readers import SUFFIXES
from bulletins.ingest.readers.common import DEFAULT_MAX_RECORD_BYTES, record_size
from bulletins.models import SCRIPTS, Article, Context, SourceProblem
from bulletins.search import cli as search_cli
from bulletins.site import failures, fixity_cli

logger = logging.getLogger(__name__)
SOURCES_HELP = f"source files ({', '.join(SUFFIXES)}) or folders of them"


def _year(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {value!r} (expected e.g. 2022)") from None
    if not 1900 <= year <= 2100:
        raise argparse.ArgumentTypeError(f"year out of range: {year} (1900-2100)")
    return year


def _year_bound(value: str) -> int:
    try:
        year = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a year: {value!r} (expected e.g. 1990)") from None
    if not 1 <= year <= 9999:
        raise argparse.ArgumentTypeError(f"year out of range: {year} (1-9999)")
    return year


def _jobs(value: str) -> int:
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError("--jobs must be at least 1")
    return jobs


def _issue(value: str) -> str:
    issue = gazette.parse_issue(value)
    if issue is None:
        raise argparse.ArgumentTypeError(f"not a gazette issue: {value!r} (expected e.g. 2025年第3期 or 2025-3)")
    return issue.header()


def _source_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--content", type=Path, default=Path("content"), help="content folder (default: content)")
    parser.add_argument("--year", type=_year, help="year of bulletins whose text gives only month and day")
    parser.add_argument("--publisher", help="发布机构, e.g. 重庆市渝中区人民政府")
    parser.add_argument("--region", help="region, e.g. 重庆市渝中区")
    parser.add_argument("--category", help="主题分类 when the text does not tell, e.g. 常务会议")
    parser.add_argument("--issue", type=_issue, help="gazette issue (期) of the bulletins, e.g. 2025年第3期")
    parser.add_argument("--script", choices=SCRIPTS, help="script of the articles (default: simplified)")
    parser.add_argument("--jobs", type=_jobs, default=os.cpu_count() or 1, help="worker processes (default: CPU count)")
    parser.add_argument(
        "--min-year", type=_year_bound, default=MIN_YEAR, help=f"earliest year a date may have (default: {MIN_YEAR})"
    )
    parser.add_argument("--max-year", type=_year_bound, help="latest year a date may have (default: next year)")
    parser.add_argument(
        "--max-record-bytes",
        type=record_size,
        default=DEFAULT_MAX_RECORD_BYTES,
        metavar="SIZE",
        help="largest bulletin or collection line read, e.g. 16M (the default); a larger one is reported",
    )
    parser.add_argument(
        "--progress",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="progress bar on stderr (default: on a terminal, for large inputs)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bulletins", description="Government bulletins in, a searchable static archive out."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    ingest = commands.add_parser("ingest", help="clean raw bulletins into Markdown articles")
    ingest.add_argument("sources", nargs="+", metavar="SRC", help=SOURCES_HELP)
    _source_options(ingest)
    ingest.add_argument("--force", action="store_true", help="overwrite articles edited by hand")
    ingest.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no summary line (problems are still reported)"
    )
    ingest.set_defaults(handler=run_ingest)

    inspect = commands.add_parser("inspect", help="show what ingest would write, writing nothing")
    inspect.add_argument("sources", nargs="+", metavar="FILE", help=SOURCES_HELP)
    _source_options(inspect)
    inspect.add_argument("--json", action="store_true", help="one JSON object per bulletin per line")
    inspect.set_defaults(handler=run_inspect)

    search = commands.add_parser("search", help="search a built archive from the terminal")
    search_cli.add_arguments(search)
    search.set_defaults(handler=search_cli.run)
    fixity_cli.add_commands(commands)
    return parser


def _options(args: argparse.Namespace, force: bool = False):
    from bulletins.ingest.pipeline import Options

    context = Context(
        year=args.year,
        publisher=args.publisher,
        region=args.region,
        category=args.category,
        script=args.script,  # None: the folder's defaults file or "simplified" decides
        issue=args.issue,
    )
    years = YearRange(args.min_year, args.max_year)
    return Options(
        content=args.content,
        context=context,
        force=force,
        jobs=args.jobs,
        progress=False if getattr(args, "quiet", False) else args.progress,
        years=years,
        max_record_bytes=args.max_record_bytes,
    )


# --- messages: the one place that formats and escapes them --------------------------------

_UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def escape(text: str) -> str:
    """TEXT safe for a terminal line: control and format characters, line and paragraph
    separators, unassigned code points and lone surrogates as ``\\xNN``/``\\uNNNN``."""
    if text.isprintable():
        return text
    return "".join(_escape_char(ch) if unicodedata.category(ch) in _UNSAFE_CATEGORIES else ch for ch in text)


def _escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}" if code < 0x10000 else f"\\U{code:08x}"


def warn(text: str) -> None:
    """One message line on stderr, escaped."""
    print(escape(text), file=sys.stderr, flush=True)


def report_problem(problem: SourceProblem) -> None:
    """``path[:line]: reason`` on stderr, escaped."""
    warn(f"{problem.where}: {problem.reason}")


def run_ingest(args: argparse.Namespace) -> int:
    from bulletins.ingest.pipeline import ingest

    def waiting(content: Path) -> None:
        warn(f"{content}: another ingest is writing there; waiting for it to finish")

    report = ingest(args.sources, _options(args, force=args.force), waiting)
    for problem in (*report.problems, *report.kept):
        report_problem(problem)
    if not args.quiet:
        warn(f"ingest: {report.summary()}")
    return 1 if report.problems else 0


def article_record(article: Article) -> dict:
    """The public ``inspect --json`` shape of one bulletin (documented in the README)."""
    m = article.metadata
    return {
        "title": m.title,
        "date": m.date.isoformat(),
        "date_precision": m.date_precision,
        "date_source": m.date_source,
        "title_source": m.title_source,
        "category": m.category,
        "publisher": m.publisher,
        "region": m.region,
        "doc_number": m.doc_number,
        "presider": m.presider,
        "people": list(m.people),
        "documents": list(m.documents),
        "keywords": list(m.keywords),
        "summary": m.summary,
        **frame.record_values(m),
        **gazette.record_values(m),
        "identifier": article.identifier,
        "slug": article.slug,
        "source": article.source,
        "source_id": article.source_id or None,
        "source_line": article.source_line,
        "url": article.source_url or None,
        "paragraphs": list(article.paragraphs),
    }


def _json_line(record: dict) -> str:
    """One JSON object on one line; a lone surrogate (no UTF-8 for it) as its ``\\uXXXX`` escape."""
    text = json.dumps(record, ensure_ascii=False)
    return re.sub(r"[\ud800-\udfff]", lambda match: f"\\u{ord(match.group()):04x}", text)


def _describe(record: dict) -> str:
    lines = [
        f"{record['date']}  {record['title']}",
        f"  {record['identifier']}  {record['slug']}  ({record['source']})",
    ]
    for key in ("category", "publisher", "region", "doc_number", "presider"):
        if record[key]:
            lines.append(f"  {key}: {record[key]}")
    for key in ("people", "documents", "keywords"):
        if record[key]:
            lines.append(f"  {key}: {'、'.join(record[key])}")
    lines.append(f"  paragraphs: {len(record['paragraphs'])}")
    return "\n".join(map(escape, lines))


def run_inspect(args: argparse.Namespace) -> int:
    from bulletins.ingest.pipeline import articles

    problems = 0
    for item in articles(args.sources, _options(args)):
        if isinstance(item, SourceProblem):
            problems += 1
            report_problem(item)
            continue
        record = article_record(item)
        print(_json_line(record) if args.json else _describe(record), flush=True)
    return 1 if problems else 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "max_year", None) is not None and args.min_year > args.max_year:
        parser.error(f"--min-year {args.min_year} is after --max-year {args.max_year}")
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `bulletins inspect ... | head`
        sys.stderr.close()
        return 1
    except OSError as error:  # e.g. a content folder that cannot be written, a full disk
        folders = {"content": str(args.content)} if getattr(args, "content", None) is not None else {}
        warn(failures.explain(error, folders, doing=f"bulletins {args.command}") or f"bulletins: {error}")
        return 1


if __name__ == "__main__":
    sys.exit(main())
