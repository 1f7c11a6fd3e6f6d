"""``bulletins search``: query a built archive from the terminal with the site's own search-core.js.

The CLI wires it in with ``search_cli.add_arguments(parser)`` and ``search_cli.run(args)``.
"""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of ``bulletins search``."""
    parser.add_argument("query", help="words to find; spaces mean AND, \"...\" keeps spaces")
    parser.add_argument("--site", default="output", help="the built archive (default: output)")
    parser.add_argument("--json", action="store_true", help="print every result as JSON")
    parser.add_argument("--limit", type=int, default=10, help="results to show (0 = all, default 10)")


def run(args: argparse.Namespace) -> int:
    """Run one search; return the exit status."""
    raise NotImplementedError
