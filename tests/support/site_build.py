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


def cached_build(content: Path, output: Path, plugins, beside: bool = False) -> Path:
    """A build of CONTENT with PLUGINS and the content cache on (as ``./run html`` has it); the
    open data's rows made by the build itself unless BESIDE (then a fork writes them while the
    pages are written)."""
    return build_fixture_site(
        output,
        PATH=str(content),
        PLUGINS=list(plugins),
        CACHE_CONTENT=True,
        LOAD_CONTENT_CACHE=True,
        BULLETINS_DATA_BESIDE_PAGES=beside,
    )


def full_build(content: Path, output: Path) -> Path:
    """``cached_build`` with every plugin of ``pelicanconf.py`` (search index, citations, open
    data, raw copies, manifest)."""
    from pelican.settings import read_settings

    return cached_build(content, output, read_settings(str(ROOT / "pelicanconf.py"))["PLUGINS"])


def site_files(out: Path) -> dict[str, bytes]:
    """Every file's bytes but the database's (changed in place, its bytes follow the history);
    the manifest without the database's line."""
    from bulletins.site import fixity, opendata

    files = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    database = f"data/{opendata.SQLITE}"
    files.pop(database)
    lines = files[fixity.MANIFEST].decode("utf-8").splitlines(keepends=True)
    files[fixity.MANIFEST] = "".join(line for line in lines if not line.endswith(f"  {database}\n")).encode()
    return files
