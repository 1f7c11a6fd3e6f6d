"""Stand-ins for a generator and an article, for tests of the article cache on its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

CACHE_ON = {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True}


@dataclass
class Thing:
    """Stands for an article: holds the build's settings and context, as Pelican's do."""

    settings: dict
    context: dict
    text: str


def generator(folder: Path, **settings) -> SimpleNamespace:
    """A generator of articles under FOLDER, with the settings the article cache wants."""
    live = {"CONTENT_CACHING_LAYER": "reader", "WITH_FUTURE_DATES": True, **CACHE_ON, **settings}
    return SimpleNamespace(
        path=str(folder), settings=live, context={"articles": []}, _cache_data_policy=False, _cache={}
    )
