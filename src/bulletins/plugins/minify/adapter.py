"""``initialized`` handler: Pelican copies the theme's static files from a minified mirror.

The mirror (``CACHE_PATH/bulletins-theme-static``) is made anew on every build from the
theme's ``THEME_STATIC_PATHS``, and those settings point at it, so the site's copies are
written once, already minified, before the fixity manifest is walked.
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


def serve_minified(pelican) -> None:
    configure(pelican)
    settings = pelican.settings
    if not settings["BULLETINS_MINIFY_THEME"]:
        return
    theme = Path(settings["THEME"])
    sources = [theme / path for path in settings.get("THEME_STATIC_PATHS", [])]
    entries, done = mirror(sources, Path(settings["CACHE_PATH"]) / MIRROR)
    settings["THEME_STATIC_PATHS"] = [str(entry.resolve()) for entry in entries]
    before, after = sum(m.before for m in done), sum(m.after for m in done)
    logger.info("theme: %d scripts and style sheets minified, %d -> %d bytes", len(done), before, after)
