"""The quick relative source path equals Pelican's, or is left to Pelican."""

from __future__ import annotations

import functools
import os
import random
import types

import pytest

from bulletins.plugins.incremental import sourcepaths
from bulletins.plugins.progress import tracker

CASES = [
    # (folder, path, expected: the relative path, or None for "left to Pelican")
    ("/site/content", "/site/content/bulletins/2024/01/a.md", "bulletins/2024/01/a.md"),
    ("/site/content", "/site/content/a.md", "a.md"),
    ("/site/content", "/site/contents/a.md", None),  # a sibling folder sharing the prefix
    ("/site/content", "/site/content", None),  # the folder itself
    ("/site/content", "/site/content/", None),
    ("/site/content", "/site/content//a.md", None),  # not normalized
    ("/site/content", "/site/content/./a.md", None),
    ("/site/content", "/site/content/x/../a.md", None),
    ("/site/content", "/site/content/x/", None),
    ("/site/content", "relative/a.md", None),
    ("/site/content", "/elsewhere/a.md", None),
    ("/", "/a.md", None),  # left to Pelican
    ("/site/content", "/site/content/公报/第 1 期.md", "公报/第 1 期.md"),
]


@pytest.mark.parametrize(("folder", "path", "expected"), CASES)
def test_relative_path_table(folder, path, expected):
    assert sourcepaths.relative_path(folder, path) == expected
    if expected is not None:
        assert expected == os.path.relpath(os.path.abspath(os.path.join(folder, path)), folder)


def test_relative_path_equals_relpath_whenever_it_answers():
    rng = random.Random(20261202)
    parts = ["a", "b", "公报", ".", "..", "", "x y", "a.md", "-"]
    answered = 0
    for _ in range(3000):
        folder = "/" + "/".join(rng.choice(["site", "content", "c"]) for _ in range(rng.randint(1, 3)))
        path = folder + "/" + "/".join(rng.choice(parts) for _ in range(rng.randint(1, 5)))
        got = sourcepaths.relative_path(folder, path)
        if got is not None:
            answered += 1
            assert got == os.path.relpath(os.path.abspath(os.path.join(folder, path)), os.path.abspath(folder)), path
    assert answered > 300  # the table of cases above is not all it ever answers


class _Content:
    def __init__(self, settings, source_path):
        self.settings, self.source_path = settings, source_path

    from pelican.contents import Content as _Pelican

    get_relative_source_path = _Pelican.get_relative_source_path


@pytest.mark.parametrize(
    ("path_setting", "source", "static"),
    [
        ("{tmp}/content", "{tmp}/content/bulletins/a.md", False),
        ("{tmp}/content/", "{tmp}/content/bulletins/a.md", False),  # the setting with a slash
        ("{tmp}/content", "{tmp}/content/x/../a.md", False),  # Pelican's own path arithmetic
        ("{tmp}/content", "{tmp}/content/images/a.png", True),
        ("content", "{tmp}/content/a.md", False),  # a relative PATH setting
    ],
)
def test_add_source_path_records_what_pelican_records(tmp_path, monkeypatch, path_setting, source, static):
    monkeypatch.chdir(tmp_path)
    settings = {"PATH": path_setting.format(tmp=tmp_path)}
    content = _Content(settings, source.format(tmp=tmp_path))
    generator = types.SimpleNamespace(context={"generated_content": {}, "static_content": {}})
    sourcepaths.add_source_path(generator, content, static=static)
    key = "static_content" if static else "generated_content"
    assert generator.context[key] == {content.get_relative_source_path(): content}
    assert generator.context["generated_content" if static else "static_content"] == {}


@pytest.mark.parametrize("own", ["bulletins/a.md", "bulletins/b.md", None], ids=["equal", "changed", "absent"])
def test_the_key_is_the_articles_own_relative_path_when_equal(tmp_path, own):
    """The article's ``relative_source_path`` (made by Pelican's ``__init__``) is the key itself
    when it is the path found, so that a million articles do not hold each path twice."""
    content = _Content({"PATH": str(tmp_path)}, str(tmp_path / "bulletins" / "a.md"))
    if own is not None:
        content.relative_source_path = "".join(own)  # a string of its own, not the literal
    generator = types.SimpleNamespace(context={"generated_content": {}, "static_content": {}})
    sourcepaths.add_source_path(generator, content)
    [key] = generator.context["generated_content"]
    assert key == "bulletins/a.md"
    assert (key is getattr(content, "relative_source_path", None)) == (own == "bulletins/a.md")


IGNORE_CASES = [
    ["**/.*"],  # Pelican's default: matches no bare name
    [".*"],
    ["*.bak", ".#*", "draft-??.md"],
    ["[!a]*.md"],
    ["*[*"],  # a pattern fnmatch takes literally
    [],
]
NAMES = [
    "a.md",
    ".hidden.md",
    "x.bak",
    ".#lock.md",
    "draft-01.md",
    "draft-001.md",
    "b.md",
    "公报.md",
    "a.html",
    "noext",
    "dir/a.md",
    "dir/.x.md",
    "*[x.md",
    "a.MD",
    "a.md.bak",
]


@pytest.mark.parametrize("ignores", IGNORE_CASES)
@pytest.mark.parametrize("extensions", [None, ("md",), ("md", "html"), False, ()])
def test_include_path_answers_as_pelican_does(ignores, extensions):
    from pelican.generators import Generator

    generator = types.SimpleNamespace(
        settings={"IGNORE_FILES": ignores}, readers=types.SimpleNamespace(extensions=["md", "markdown"])
    )
    for name in NAMES:
        expected = Generator._include_path(generator, name, extensions)
        assert sourcepaths.include_path(generator, name, extensions) is expected, (ignores, extensions, name)


class _Walked:
    """Just what ``Generator.get_files`` reads of a generator, and a count of its walks."""

    def __init__(self, path, ignores):
        self.walks = 0
        self.path = str(path)
        self.settings = {"IGNORE_FILES": ignores}
        self.readers = types.SimpleNamespace(extensions=["md", "markdown", "html"])
        self._include_path = functools.partial(sourcepaths.include_path, self)

    def get_files(self, paths, exclude=None, extensions=None):
        from pelican.generators import Generator

        self.walks += 1
        return Generator.get_files(self, paths, exclude=exclude, extensions=extensions)


@pytest.mark.parametrize(
    "calls, walks",
    [
        pytest.param([None, ("md", "markdown", "html"), ("md",)], 1, id="pelican-first"),
        pytest.param([("md",), None, ("html", "md")], 2, id="pelican's-own-call-walks"),
        pytest.param([False, ("md",), ("rst",), ()], 3, id="any-extension-and-others-go-through"),
    ],
)
def test_the_listing_answers_as_pelican_and_walks_once(tmp_path, calls, walks):
    """The read-ahead's and the prefetch's calls, naming the readers' extensions or some of them,
    are answered from one walk, as Pelican's ``get_files`` answers each."""
    for name in ["a.md", "b/c.markdown", "b/d.html", "b/.e.md", "f.txt", "g.rst", "x/y/z.md", "x/skip/w.md"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("t", encoding="utf-8")
    plain, walked = _Walked(tmp_path, [".*"]), _Walked(tmp_path, [".*"])
    listed = sourcepaths.listing(walked, walked.get_files)
    for extensions in calls:
        expected = plain.get_files([""], exclude=["x/skip"], extensions=extensions)
        assert set(listed([""], exclude=["x/skip"], extensions=extensions)) == set(expected), extensions
    assert walked.walks == walks
    sourcepaths.release([walked])
    assert sourcepaths.LISTED not in walked.__dict__


def test_a_listing_counted_for_the_progress_line_is_kept(tmp_path):
    """Pelican's own call, counted for the progress line (``tracker.Counted``), gives the
    listing the later calls are answered from: one walk, and every name counted once."""
    for name in ["a.md", "b/c.md", "b/d.html", "f.txt"]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("t", encoding="utf-8")
    walked, run = _Walked(tmp_path, [".*"]), _CountingRun()

    def counted(paths, exclude=None, extensions=None):
        files = walked.get_files(paths, exclude=exclude, extensions=extensions)
        return files if extensions is not None else tracker.Counted(files, run)

    listed = sourcepaths.listing(walked, counted)
    plain = _Walked(tmp_path, [".*"])
    names = list(listed([""], exclude=[]))
    assert sorted(names) == sorted(plain.get_files([""], exclude=[])) and len(names) == 3
    assert run.total == 3 and run.advances == 3
    assert listed([""], exclude=[], extensions=("md",)) == plain.get_files([""], exclude=[], extensions=("md",))
    assert listed([""], exclude=[], extensions=[]) == set()  # Pelican's check for disabled readers
    assert walked.walks == 1


class _CountingRun:
    def __init__(self):
        self.total = self.advances = 0

    def add_total(self, count):
        self.total += count

    def advance(self, phase):
        assert phase == "read"
        self.advances += 1
