"""The writer's set of opened files held as names below the output (``OutputPaths``): it answers
as the set of whole paths it stands for, under a seeded campaign of paths inside and outside the
output, and holds the record's own string for a page where given."""

from __future__ import annotations

import os
import random

import pytest

from bulletins.plugins.incremental.outputpaths import OutputPaths
from support.site_build import build_fixture_site

ROOT = "/site/output"
PATHS = [
    f"{ROOT}/bulletins/2024/a.html",
    f"{ROOT}/index.html",
    f"{ROOT}//double.html",  # not normalized: a path of its own, as in a set of strings
    ROOT,  # the folder itself: kept whole
    f"{ROOT}/",
    "/site/outputs/x.html",  # a sibling folder that shares the prefix's letters
    "bulletins/2024/a.html",  # a relative path equal to a name below the root: a different path
    "/elsewhere/a.html",
]


@pytest.mark.parametrize("path", PATHS)
def test_each_path_is_in_once_added_and_read_back_whole(path):
    paths = OutputPaths(ROOT)
    assert path not in paths
    paths.add(path)
    assert path in paths and list(paths) == [path] and len(paths) == 1
    others = [p for p in PATHS if p != path]
    assert not any(p in paths for p in others), [p for p in others if p in paths]


@pytest.mark.parametrize("seed", range(6))
def test_it_answers_as_a_set_of_the_paths(seed):
    rng = random.Random(seed)
    parts = ["bulletins", "2024", "a.html", "", "..", "标签", "b.html"]
    roots = [ROOT, "/site", "/site/outputs", "", "rel"]
    made, oracle = OutputPaths(ROOT), set()
    for _ in range(400):
        path = "/".join([rng.choice(roots), *rng.choices(parts, k=rng.randint(0, 3))])
        if rng.random() < 0.5:
            name = path[len(ROOT) + 1 :] if rng.random() < 0.5 else rng.choice(parts)
            made.add(path, name=name)
            oracle.add(path)
        else:
            assert (path in made) == (path in oracle), path
    assert sorted(made) == sorted(oracle) and len(made) == len(oracle)
    assert [1] not in made and None not in made  # not a path: never added


def test_the_name_given_is_the_string_held():
    name = "".join(["bulletins/", "a.html"])  # a string of its own
    paths = OutputPaths(ROOT)
    paths.update([f"{ROOT}/bulletins/a.html", f"{ROOT}/bulletins/b.html"], name=name)
    assert any(held is name for held in paths.names)
    assert sorted(paths) == [f"{ROOT}/bulletins/a.html", f"{ROOT}/bulletins/b.html"]


def test_a_build_holds_its_written_pages_by_their_record_names(tmp_path, monkeypatch):
    """In a build, every page the writer opened is a name below the output; they are the
    pages the build wrote."""
    from bulletins.plugins.incremental import writer

    kept = []
    save = writer.SkippingWriter.save
    monkeypatch.setattr(writer.SkippingWriter, "save", lambda self: kept.append(self) or save(self))
    out = build_fixture_site(tmp_path / "output")
    [built] = kept
    paths = built._written_files
    assert len(paths) > 20 and all(type(held) is str for held in paths.names)
    assert all(os.path.isfile(path) and path.startswith(str(out)) for path in paths)
    # the pages written over another's (every article page: its URL is set) are held by the
    # record's own strings too, not by whole paths again
    overridden, record = built._overridden_files, {id(name) for name in built._new}
    articles = [name for name in built._new if type(built._new[name]) is bytes and name.startswith("bulletins/")]
    assert isinstance(overridden, OutputPaths) and len(overridden) >= 5
    assert all(type(held) is str and id(held) in record for held in overridden.names)
    assert all(os.path.join(out, held) in paths for held in overridden.names)
    assert set(overridden.names) <= set(articles)
    keys = [
        entry if type(entry) is bytes else entry[0] for entry in built._new.values() if type(entry) in (bytes, list)
    ]
    assert {len(key) for key in keys if type(key) is bytes} == {16} and type(built._new[articles[0]]) is bytes


@pytest.mark.parametrize("seed", range(6))
def test_absolute_others_answer_as_the_paths_made_absolute(seed):
    """``remove_stale``'s question, whether a normalized path below the root is one of the
    paths once made absolute, answered by name and the few others as by the whole set."""
    rng = random.Random(seed)
    parts = ["bulletins", "2024", "a.html", "", ".", "..", "标签", "b.html"]
    roots = [ROOT, f"{ROOT}/", "/site", "/site/outputs", "", "rel", f"{ROOT}/./bulletins"]
    made, oracle = OutputPaths(ROOT), set()
    for _ in range(300):
        path = "/".join([rng.choice(roots), *rng.choices(parts, k=rng.randint(0, 3))])
        made.add(path, name=path[len(ROOT) + 1 :] if rng.random() < 0.5 else None)
        oracle.add(path)
    absolute, others = {os.path.abspath(p) for p in oracle}, made.absolute_others()
    asked = {os.path.abspath("/".join([ROOT, *rng.choices(parts, k=rng.randint(1, 3))])) for _ in range(300)}
    asked = {p for p in asked if p.startswith(ROOT + "/")} | {p for p in absolute if p.startswith(ROOT + "/")}
    assert len(asked) > 50 and any(p not in absolute for p in asked)
    for path in sorted(asked):
        assert (path in made or path in others) == (path in absolute), path
    plain = [h for h in made.names if type(h) is str and h not in (".", "..") and os.path.normpath(h) == h]
    assert plain and len(others) <= len(made) - len(plain)  # a plain name is asked by name, never made whole


def test_a_file_written_by_a_path_not_normalized_is_not_stale(tmp_path):
    """A page opened as ``out/x/../tags/kept.html`` keeps the last build's ``tags/kept.html``."""
    from pelican.settings import read_settings

    from bulletins.plugins.incremental import writer
    from bulletins.site import output_files

    out = tmp_path / "output"
    (out / "tags").mkdir(parents=True)
    for name in ("kept.html", "gone.html"):
        (out / "tags" / name).write_text("x", encoding="utf-8")
    cache = tmp_path / "cache" / "pages.marshal"
    output_files.write_table(cache, {f"tags/{n}": ["k", [f"tags/{n}"]] for n in ("kept.html", "gone.html")})
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    settings = read_settings(
        os.path.join(root, "pelicanconf.py"),
        override={"CACHE_PATH": str(cache.parent), "BULLETINS_PAGE_CACHE": cache.name},
    )
    made = writer.SkippingWriter(str(out), settings=settings)
    made._written_files.add(f"{out}/x/../tags/kept.html")
    assert made.remove_stale(set()) == 1
    assert (out / "tags" / "kept.html").is_file() and not (out / "tags" / "gone.html").exists()
