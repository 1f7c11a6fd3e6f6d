"""The names made beside a page without ``pathlib`` are exactly what ``pathlib`` makes."""

from __future__ import annotations

import random
from pathlib import PurePosixPath

import pytest

from bulletins.site import citation, rawcopy
from bulletins.site.output_files import with_suffix

EDGES = [
    "bulletins/2019/01/g-003.html",
    "g-003.html",
    "/g-003.html",
    "/a/b.html",
    "a/b",
    "a/.hidden",
    "a/b.",
    "a/b.tar.gz",
    "a//b.html",
    "./a/b.html",
    "a/./b.html",
    "a/../b.html",
    "a/b/",
    "a/..",
    "a/.",
    "..",
    "中文/公报.html",
    "a/b..html",
]
PIECES = ["a", "b", "中", ".", "..", "/", "//", ".html", "x.y", "-", " ", "g-003"]


def campaign(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    return ["".join(rng.choice(PIECES) for _ in range(rng.randint(1, 6))) for _ in range(count)]


def pathlib_or_error(path: str, suffix: str) -> str:
    try:
        return str(PurePosixPath(path).with_suffix(suffix))
    except ValueError as error:
        return f"error: {error}"


def ours_or_error(path: str, suffix: str) -> str:
    try:
        return with_suffix(path, suffix)
    except ValueError as error:
        return f"error: {error}"


@pytest.mark.parametrize("suffix", ["", ".bib", ".json"])
def test_with_suffix_is_pathlibs(suffix):
    paths = EDGES + campaign(5_000)
    assert [ours_or_error(p, suffix) for p in paths] == [pathlib_or_error(p, suffix) for p in paths]


@pytest.mark.parametrize("raw_dir", ["raw", "raw/", "", "/srv/raw", "a/./raw"])
def test_raw_copy_names_are_pathlibs(raw_dir):
    for save_as in EDGES + campaign(2_000, seed=8):
        try:
            want = str(PurePosixPath(raw_dir) / PurePosixPath(save_as).with_suffix(""))
        except ValueError:
            with pytest.raises(ValueError):
                rawcopy.plan(save_as, "sources/a.jsonl", 1, raw_dir)
            continue
        assert rawcopy.plan(save_as, "sources/a.jsonl", 1, raw_dir).target == f"{want}.json", save_as


def test_citation_keys_keep_their_form():
    assert citation.citation_key("bulletins/2019/01/g-003.html") == "bulletins-2019-01-g-003"
    assert citation.file_path("bulletins/2019/01/g-003.html", "bib") == "bulletins/2019/01/g-003.bib"
