"""SkippingWriter: Pelican's writer, except that a page whose fingerprint matches the last
build's and whose files are all still there is not rendered again.

A page's fingerprint covers the theme's templates, the settings, the output name, and the
template's arguments as ``bulletins.site.fingerprint.describe`` sees them. Adding one
bulletin to 11k re-renders its own page, its neighbours, and the lists it appears in; every
other article, tag, person and document page is left as it is.
"""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

from pelican.writers import Writer

from bulletins.site import fingerprint
from bulletins.site.config import Option, settings_check

logger = logging.getLogger(__name__)

OPTIONS = (
    Option("BULLETINS_SKIP_UNCHANGED", True, lambda v: isinstance(v, bool), "True or False"),
    Option(
        "BULLETINS_PAGE_CACHE",
        "bulletins-pages.json",
        lambda v: isinstance(v, str) and bool(v),
        "a file name in CACHE_PATH",
    ),
)
_ACTIVE: list[SkippingWriter] = []


configure = settings_check(OPTIONS)  # the ``initialized`` handler


def get_writer(pelican):
    return SkippingWriter if pelican.settings.get("BULLETINS_SKIP_UNCHANGED", True) else None


def save_cache(pelican) -> None:
    while _ACTIVE:
        _ACTIVE.pop().save()


class SkippingWriter(Writer):
    def __init__(self, output_path, settings=None):
        super().__init__(output_path, settings=settings)
        self._cache_file = Path(settings["CACHE_PATH"]) / settings["BULLETINS_PAGE_CACHE"]
        self._old = self._load()
        self._new: dict[str, list] = {}
        self._recording: list[str] | None = None
        self._base = fingerprint.digest(
            (
                fingerprint.tree_digest(os.path.join(settings["THEME"], "templates")),
                fingerprint.settings_digest(settings),
            )
        )
        self.skipped = 0
        _ACTIVE.append(self)

    def _load(self) -> dict:
        try:
            return json.loads(self._cache_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def save(self) -> None:
        self._cache_file.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._cache_file.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._new, separators=(",", ":")), encoding="utf-8")
        os.replace(tmp, self._cache_file)
        logger.info("incremental: %d pages unchanged and skipped", self.skipped)

    def _open_w(self, filename, encoding, override=False):
        if self._recording is not None:
            self._recording.append(os.path.relpath(filename, self.output_path))
        return super()._open_w(filename, encoding, override=override)

    def write_file(
        self,
        name,
        template,
        context,
        relative_urls=False,
        paginated=None,
        template_name=None,
        override_output=False,
        url=None,
        **kwargs,
    ):
        if not name:
            return None
        inputs = dict(kwargs, paginated=paginated)
        key = fingerprint.digest(
            (
                self._base,
                name,
                template.name,
                template_name,
                relative_urls,
                url,
                fingerprint.describe(inputs.pop("article", None), page=True),
                fingerprint.describe(inputs.pop("page", None), page=True),
                fingerprint.describe(inputs),
            )
        )
        return self._write_if_changed(
            name,
            key,
            lambda: super(SkippingWriter, self).write_file(
                name,
                template,
                context,
                relative_urls=relative_urls,
                paginated=paginated,
                template_name=template_name,
                override_output=override_output,
                url=url,
                **kwargs,
            ),
        )

    def _write_if_changed(self, name, key, write):
        old = self._old.get(name)
        out = self.output_path
        if old and old[0] == key and all(os.path.isfile(os.path.join(out, f)) for f in old[1]):
            self._new[name] = old
            self.skipped += 1
            return None
        self._recording = []
        try:
            result = write()
            self._new[name] = [key, self._recording]
        finally:
            self._recording = None
        return result
