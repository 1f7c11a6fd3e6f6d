"""Pelican copies the theme's static files from a minified mirror.

The mirror (``CACHE_PATH/bulletins-theme-static``) is made anew on every build from the
theme's ``THEME_STATIC_PATHS``, and those settings point at it, so the site's copies are
written once, already minified, before the fixity manifest is walked. It is made when the build
begins (``get_generators``, sent inside ``Pelican.run``), under the build's lock
(``build_errors``): two builds begun together on one cache folder made it at once, each
emptying the folder the other was filling, and the second stopped on a missing file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bulletins.site.config import Option, settings_check
from bulletins.site.minify import mirror

logger = logging.getLogger(__name__)

MIRROR = "bulletins-theme-static"
OPTIONS = (
    Option(
        "BULLETINS_MINIFY_THEME",
        True,
        lambda v: isinstance(v, bool),
        "True (the theme's .js and .css served minified) or False (as written)",
    ),
)

configure = settings_check(OPTIONS)


SOURCES = "_bulletins_theme_sources"  # on the Pelican object: the theme's static paths as set


def initialized(pelican) -> None:
    """``initialized``: the setting checked, and the theme's static paths kept for the mirror
    each build makes (``--autoreload`` runs many; the settings name the mirror after the first)."""
    configure(pelican)
    pelican.__dict__[SOURCES] = list(pelican.settings.get("THEME_STATIC_PATHS", []))


def build_begins(pelican) -> None:
    """``get_generators`` (inside ``Pelican.run``, so under the build's lock): the mirror made
    for this build from the paths ``initialized`` kept. No generator."""
    paths = pelican.__dict__.get(SOURCES)
    if paths is not None:
        _mirror(pelican.settings, paths)


def _mirror(settings, paths: list) -> None:
    if not settings["BULLETINS_MINIFY_THEME"]:
        return
    theme = Path(settings["THEME"])
    sources = [theme / path for path in paths]
    entries, done = mirror(sources, Path(settings["CACHE_PATH"]) / MIRROR)
    settings["THEME_STATIC_PATHS"] = [str(entry.resolve()) for entry in entries]
    before, after = sum(m.before for m in done), sum(m.after for m in done)
    logger.info("theme: %d scripts and style sheets minified, %d -> %d bytes", len(done), before, after)
