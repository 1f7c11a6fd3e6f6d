"""Keeps Pelican's content cache honest.

``pelicanconf.py`` turns on Pelican's content cache (``CACHE_CONTENT``/``LOAD_CONTENT_CACHE``),
so a rebuild does not parse unchanged articles again. Pelican keys that cache by each file's
modification time only: after a change of settings (a year range, a URL pattern) or of this
package's readers it would serve articles as they were read before. On ``initialized`` this
drops Pelican's content caches when the settings that can change a page, or the package's
code, differ from the last build's, and records the new key.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from bulletins.site import fingerprint

logger = logging.getLogger(__name__)

STAMP = "bulletins-content-cache.json"
PACKAGE = Path(__file__).resolve().parents[2]  # src/bulletins
# Pelican's cache files: "<Generator>-Readers" (reader layer) and "<Generator>" (generator layer).
PELICAN_CACHES = ("*Generator-Readers", "*Generator")


def cache_key(settings) -> str:
    return fingerprint.digest((fingerprint.settings_digest(settings), fingerprint.tree_digest(str(PACKAGE))))


def guard(pelican) -> None:
    """Drop Pelican's content caches in CACHE_PATH unless they were made under the same key."""
    settings = pelican.settings
    if not (settings.get("CACHE_CONTENT") or settings.get("LOAD_CONTENT_CACHE")):
        return
    folder = Path(settings["CACHE_PATH"])
    key = cache_key(settings)
    stamp = folder / STAMP
    try:
        if json.loads(stamp.read_text(encoding="utf-8")).get("key") == key:
            return
    except (OSError, ValueError, AttributeError):
        pass
    dropped = [path for pattern in PELICAN_CACHES for path in folder.glob(pattern) if path.is_file()]
    for path in dropped:
        path.unlink(missing_ok=True)
    if dropped:
        logger.info("content cache: settings or code changed, %d cache files dropped", len(dropped))
    folder.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"key": key}) + "\n", encoding="utf-8")


def save_when_read(readers) -> None:
    """``readers_init``: Pelican writes its whole reader cache (every article's HTML and
    metadata: 330 MB at 100,000 articles, 1.6 s) at the end of every build; write it only when
    an article was read anew, so a rebuild that read nothing writes nothing. An entry of a
    removed article stays in the file either way (Pelican never drops one)."""
    cache_data, save_cache = readers.cache_data, readers.save_cache
    read_anew: list[str] = []

    def cache_read(filename, data):
        read_anew.append(filename)
        cache_data(filename, data)

    def save_if_read():
        if read_anew:
            save_cache()
            read_anew.clear()

    readers.cache_data, readers.save_cache = cache_read, save_if_read


def skip_unused_layer(generator) -> None:
    """``article_generator_init``, ``page_generator_init``: with the cache in the reader layer (Pelican's default), the
    generator's own cache holds nothing, yet asking it and filling it stat each file twice
    (200,000 ``stat`` calls at 100,000 articles): neither is asked when it holds nothing and
    keeps nothing."""
    if not hasattr(generator, "_cache_data_policy") or generator._cache_data_policy or generator._cache:
        return
    generator.get_cached_data = lambda filename, default=None: default
    generator.cache_data = lambda filename, data: None
