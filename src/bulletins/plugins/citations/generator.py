"""The Pelican side of the citations.

While the context is built, each article gets ``bulletins_citation`` (what its page shows, from
``bulletins.site.citation``); once the pages are written, its ``.bib``, ``.ris`` and ``.json``
are written beside the page and the archive's CSL-JSON into the data folder, each file only when
its bytes change. Files this plugin wrote for an article that is gone are removed: the list of
them is kept in ``CACHE_PATH``.
"""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from pelican.generators import Generator

from bulletins.plugins.open_data.generator import header_text
from bulletins.site import citation, opendata
from bulletins.site.sitemap import join_url

logger = logging.getLogger(__name__)

ARCHIVE_CSL = "bulletins-csl.json"
WRITTEN_CACHE = "bulletins-citations.json"


def get_generators(pelican):
    return CitationsGenerator


def fields_for(article, public: str) -> citation.CitationFields:
    """An article -> its citation fields, through the open data's header-to-column mapping."""
    row = {
        opendata.column_name(key): header_text(value)
        for key, value in article.metadata.items()
        if opendata.is_header_key(key)
    }
    row["title"] = header_text(article.title)
    original = getattr(article, "bulletins_original", None)
    pdf = original.target if original and original.target.lower().endswith(".pdf") else ""
    return citation.fields_of(
        row,
        article.save_as,
        join_url(public, article.url),
        public=bool(public),
        pdf_url=join_url(public, pdf) if pdf else "",
    )


def remove_stale(out: Path, old: list[str], new: list[str]) -> int:
    """Delete the files of OLD (paths under OUT) that NEW no longer has; how many went."""
    removed = 0
    for name in sorted(set(old) - set(new)):
        path = out / name
        if ".." not in Path(name).parts and path.is_file():
            path.unlink()
            removed += 1
    return removed


def load_list(path: Path) -> list[str]:
    """The file names a previous build recorded in PATH; [] when there is none."""
    try:
        names = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    return [n for n in names if isinstance(n, str)] if isinstance(names, list) else []


class CitationsGenerator(Generator):
    """``bulletins_citation`` on every article; its files and the archive's CSL-JSON."""

    def generate_context(self):
        public = self.settings.get("BULLETINS_PUBLIC_URL", "")
        self.entries = []
        for article in self.context.get("articles", ()):
            fields = fields_for(article, public)
            article.bulletins_citation = citation.article_citation(fields, article.save_as)
            self.entries.append((fields.date, article.save_as, fields))

    def generate_output(self, writer=None):
        started = time.perf_counter()
        out = Path(self.output_path)
        files, written = [], 0
        for _, save_as, fields in self.entries:
            for suffix, data in citation.file_bytes(fields).items():
                name = citation.file_path(save_as, suffix)
                files.append(name)
                written += opendata.write_if_changed(out / name, data)
        data_dir = self.settings.get("BULLETINS_DATA_DIR", "data")
        items = [citation.csl_item(f) for _, _, f in sorted(self.entries, key=lambda e: e[:2])]
        archive = f"{data_dir}/{ARCHIVE_CSL}"
        written += opendata.write_if_changed(out / archive, citation.render_csl(items))
        cache_file = Path(self.settings["CACHE_PATH"]) / WRITTEN_CACHE
        removed = remove_stale(out, load_list(cache_file), files)
        cache_file.parent.mkdir(parents=True, exist_ok=True)
        opendata.write_if_changed(cache_file, json.dumps(files, ensure_ascii=False).encode("utf-8"))
        logger.info(
            "citations: %d bulletins, %d of %d files written, %d removed, %.1f s",
            len(self.entries),
            written,
            len(files) + 1,
            removed,
            time.perf_counter() - started,
        )
