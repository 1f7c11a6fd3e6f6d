"""Build tests/fixtures/content with the project's pelicanconf.py into a folder (in-process)."""

from __future__ import annotations

from pathlib import Path

from support.shared import ROOT

FIXTURE_CONTENT = ROOT / "tests" / "fixtures" / "content"
FIXTURE_RAW = ROOT / "tests" / "fixtures" / "raw"

# The plugins of a fixture build (no search index); tests add the plugin they exercise.
BASE_PLUGINS = (
    "bulletins.plugins.article_headers",
    "bulletins.plugins.list_pages",
    "bulletins.plugins.article_urls",
    "bulletins.plugins.raw_source",
    "bulletins.plugins.site_meta",
    "bulletins.plugins.incremental",
)


def build_fixture_site(output: Path, **overrides) -> Path:
    """Run Pelican over the fixture articles; return OUTPUT. Search indexing is left out."""
    from pelican import Pelican
    from pelican.settings import read_settings

    settings = {
        "PATH": str(FIXTURE_CONTENT),
        "OUTPUT_PATH": str(output),
        "BULLETINS_SOURCE_ROOT": str(FIXTURE_RAW),
        "BULLETINS_SOURCE_ROOTS": [str(FIXTURE_RAW / "sources")],
        "CACHE_PATH": str(output.parent / "cache"),
        "CACHE_CONTENT": False,
        "LOAD_CONTENT_CACHE": False,
        "PLUGINS": list(BASE_PLUGINS),
    }
    settings.update(overrides)
    Pelican(read_settings(str(ROOT / "pelicanconf.py"), override=settings)).run()
    return output
