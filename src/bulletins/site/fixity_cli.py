"""``bulletins verify`` and ``bulletins pack``: thin commands over ``fixity`` and ``bagpack``.

``verify DIR`` checks a built site, or an unpacked copy or bag of it, against its
``manifest-sha256.txt`` and names every missing, extra and altered file (exit 1 when any).
``pack`` writes the site as a zipped BagIt bag whose bag-info names the publisher and the
build date.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bulletins.site import bagpack, failures, fixity


def add_commands(commands) -> None:
    """Add ``verify`` and ``pack`` to the ``bulletins`` command's subparsers."""
    verify = commands.add_parser("verify", help="check a built site against its manifest-sha256.txt")
    verify.add_argument("site", nargs="?", type=Path, default=Path("output"), help="site folder (default: output)")
    verify.set_defaults(handler=run_verify)

    pack = commands.add_parser("pack", help="zip a built site as a BagIt bag for hand-out")
    pack.add_argument("--site", type=Path, default=Path("output"), help="site folder (default: output)")
    pack.add_argument("--name", default="bulletins-archive", help="NAME.zip holding the bag NAME/")
    pack.add_argument("--publisher", help="bag-info Source-Organization (default: the settings' publisher)")
    pack.add_argument("--settings", type=Path, default=Path("pelicanconf.py"), help="Pelican settings file")
    pack.set_defaults(handler=run_pack)


def run_verify(args: argparse.Namespace) -> int:
    root = fixity.site_root(args.site)
    try:
        report = fixity.verify(root)
    except (OSError, fixity.ManifestError) as error:
        print(f"verify: {error}", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line, file=sys.stdout if report.ok else sys.stderr)
    return 0 if report.ok else 1


class SettingsError(Exception):
    """The Pelican settings file could not be read (the message names it and why)."""


def publisher_of(settings_file: Path) -> tuple[str, str]:
    """``(publisher, sitename)`` from the Pelican settings: BULLETINS_PUBLISHER, else SITENAME;
    empty without a settings file; SettingsError when the file does not run."""
    if not settings_file.is_file():
        return "", ""
    from pelican.settings import read_settings

    try:
        settings = read_settings(str(settings_file))
    except Exception as error:  # the settings are Python its user edits: any error in it is theirs
        raise SettingsError(f"{settings_file}: the settings do not run: {type(error).__name__}: {error}") from None
    sitename = str(settings.get("SITENAME") or "")
    return str(settings.get("BULLETINS_PUBLISHER") or "") or sitename, sitename


PACK_KEPT = "nothing half-made is left (the bag is made in a temporary folder and moved into place)"


def run_pack(args: argparse.Namespace) -> int:
    try:
        publisher, sitename = publisher_of(args.settings)
    except SettingsError as error:
        print(f"pack: {error}", file=sys.stderr)
        return 2
    info = bagpack.bag_info(args.publisher or publisher, sitename, bagpack.build_time(args.site))
    zip_path = Path(f"{args.name}.zip").resolve()
    try:
        path = bagpack.pack(args.site, zip_path, info)
    except OSError as error:
        said = failures.explain(error, {"the bag": str(zip_path.parent)}, doing="bulletins pack", kept=PACK_KEPT)
        print(said or f"pack: {error}", file=sys.stderr)
        return 2
    print(path)
    return 0
