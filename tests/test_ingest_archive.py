"""The headers' cache of an ingest (``ingest/archive.py``): a run reads again only the headers of
articles that are new or changed since the cache was written, and answers what a run without
the cache answers (slugs taken, source keys, Identifiers), whatever happened to the cache."""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import replace
from pathlib import Path

import pytest

from bulletins.ingest import archive, pipeline
from support.pipeline import write_collection, write_sources


@pytest.fixture
def content(tmp_path, monkeypatch) -> Path:
    """A content folder made by one ingest of good and bad sources and a collection."""
    monkeypatch.chdir(tmp_path)
    write_sources(tmp_path)
    write_collection(tmp_path / "src" / "more.jsonl", 12)
    pipeline.ingest(["src"], _options())
    return tmp_path / "content"


def _options(**changes) -> pipeline.Options:
    return replace(pipeline.Options(content=Path("content"), jobs=1, progress=False), **changes)


def answers(found: archive.Archive) -> tuple:
    return found.slugs, {key: (e.path, e.slug, e.identifier) for key, e in found.by_key.items()}


def without_cache(content: Path) -> tuple:
    (content / archive.CACHE_NAME).unlink(missing_ok=True)
    return answers(archive.Archive(content))


def _articles(content: Path) -> list[Path]:
    return sorted((content / "bulletins").rglob("*.md"))


def test_an_ingest_leaves_a_cache_that_the_next_run_reads_instead_of_every_header(content):
    count = len(_articles(content))
    assert count > 12
    cached = archive.Archive(content)
    assert cached.headers_read == 0
    assert answers(cached) == without_cache(content)


def _edit(path: Path) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace("Title: ", "Title: 改", 1), encoding="utf-8")


def _touch(path: Path) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _change_slug_same_size(path: Path) -> None:
    """A hand edit that keeps the size: only the time tells the file changed."""
    text = path.read_text(encoding="utf-8")
    assert "\nSlug: " in text
    start = text.index("\nSlug: ") + len("\nSlug: ")
    path.write_text(text[:start] + "z" + text[start + 1 :], encoding="utf-8")
    _touch(path)


def _copy(path: Path) -> None:
    (path.parent / f"copy-{path.name}").write_bytes(path.read_bytes())


CHANGES = [
    pytest.param(_edit, 1, id="edited"),
    pytest.param(_touch, 1, id="touched"),
    pytest.param(_change_slug_same_size, 1, id="slug-changed-same-size"),
    pytest.param(_copy, 1, id="a-new-file"),
    pytest.param(Path.unlink, 0, id="removed"),
]


@pytest.mark.parametrize(("change", "read"), CHANGES)
def test_a_changed_file_is_read_again_and_only_it(content, change, read):
    change(_articles(content)[3])
    found = archive.Archive(content)
    assert found.headers_read == read
    assert answers(found) == without_cache(content)


def test_a_dry_run_writes_no_cache(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    write_sources(tmp_path)
    list(pipeline.articles(["src"], _options()))
    assert not (tmp_path / "content" / archive.CACHE_NAME).exists()


def test_a_second_ingest_finds_its_articles_in_the_cache_and_writes_nothing(content):
    before = (content / archive.CACHE_NAME).read_bytes()
    report = pipeline.ingest(["src"], _options())
    assert not report.written and report.unchanged > 12
    assert (content / archive.CACHE_NAME).read_bytes() == before
    assert archive.Archive(content).headers_read == 0


def test_a_moved_article_leaves_the_cache_with_its_new_file_only(content):
    collection = Path("src") / "more.jsonl"
    lines = collection.read_text(encoding="utf-8").splitlines()
    record = json.loads(lines[0])
    record["date"] = "2019-02-03"
    lines[0] = json.dumps(record, ensure_ascii=False)
    collection.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = pipeline.ingest(["src"], _options())
    assert len(report.written) == 1 and "/2019/02/" in report.written[0]
    entries = archive.load_cache(content / archive.CACHE_NAME)
    assert sorted(entries) == sorted(p.relative_to(content / "bulletins").as_posix() for p in _articles(content))
    assert archive.Archive(content).headers_read == 0


def _damages(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    cut = rng.randrange(1, len(data))
    flipped = bytearray(data)
    for _ in range(8):
        flipped[rng.randrange(len(data))] = rng.randrange(256)
    valid = json.loads(data)
    other = dict(valid, version=archive.VERSION + 1)
    name = next(iter(valid["files"]))
    bad_entry = dict(valid, files=dict(valid["files"], **{name: [1, "x", "slug"]}))
    return [
        ("truncated", data[:cut]),
        ("bytes flipped", bytes(flipped)),
        ("another version", json.dumps(other).encode()),
        ("an entry of the wrong shape", json.dumps(bad_entry).encode()),
        ("a list", b"[]"),
        ("empty", b""),
        ("not UTF-8", b"\xff\xfe" + data),
    ]


@pytest.mark.parametrize("seed", range(6))
def test_a_damaged_cache_is_read_as_none_or_in_part_never_wrongly(content, seed):
    cache = content / archive.CACHE_NAME
    data = cache.read_bytes()
    expected = without_cache(content)
    for what, damaged in _damages(data, random.Random(seed)):
        cache.write_bytes(damaged)
        found = archive.Archive(content)
        assert answers(found) == expected, what


def test_a_cache_that_cannot_be_written_is_left_alone(content):
    cache = content / archive.CACHE_NAME
    cache.unlink()
    cache.mkdir()  # the name is taken by a folder
    report = pipeline.ingest(["src"], _options())
    assert not report.written
    assert cache.is_dir()


def test_the_walk_finds_what_rglob_finds_in_the_same_order(tmp_path):
    root = tmp_path / "bulletins"
    names = ["a.md", "a-b/c.md", "a/b.md", "a/b/c.md", ".hidden.md", "x.MD", "notes.txt", "2024/03/一号.md", "a b/c.md"]
    for name in names:
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text("Title: x\n", encoding="utf-8")
    (root / "folder.md").mkdir()
    (root / "folder.md" / "inner.md").write_text("Title: y\n", encoding="utf-8")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "o.md").write_text("Title: o\n", encoding="utf-8")
    (root / "linked").symlink_to(outside, target_is_directory=True)
    (root / "linked.md").symlink_to(outside / "o.md")
    expected = [p.relative_to(root).as_posix() for p in sorted(root.rglob("*.md"))]
    found = sorted(archive.article_names(str(root)), key=lambda name: name.split("/"))
    assert found == expected
    assert "linked/o.md" not in found and "folder.md" in found and "x.MD" not in found


@pytest.mark.parametrize(
    ("slug", "is_name"),
    [
        ("qingxi-2023-0601", True),
        ("Meeting_2023.v2", True),
        ("会议", True),
        ("../../../pwned", False),
        ("..", False),
        (".hidden", False),
        ("/etc/pwned", False),
        ("a\\..\\b", False),
        ("a\x01b", False),
        ("a\x7fb", False),
        ("", False),
    ],
)
def test_a_slug_read_back_is_a_file_name_or_not(slug, is_name):
    from bulletins.ingest import identity

    assert identity.is_file_name(slug) is is_name


@pytest.mark.parametrize("slug", ["../../../pwned", "../../../../pwned", "/tmp/pwned", ".hidden", "a\\..\\..\\b"])
def test_a_hand_edited_slug_never_takes_an_ingest_out_of_its_folder(tmp_path, monkeypatch, slug, caplog):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    record = {"id": "a1", "date": "2023-06-01", "title": "青溪区召开会议", "html": "<p>6月1日，青溪区召开会议。</p>"}
    collection = tmp_path / "src" / "c.jsonl"
    collection.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    pipeline.ingest(["src"], _options())
    (article,) = _articles(tmp_path / "content")
    text = article.read_text(encoding="utf-8")
    identifier = next(line for line in text.splitlines() if line.startswith("Identifier: "))
    article.write_text(re.sub(r"(?m)^Slug: .*$", lambda _: f"Slug: {slug}", text), encoding="utf-8")
    record["html"] = "<p>6月1日，青溪区召开会议，部署工作。</p>"
    collection.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    report = pipeline.ingest(["src"], _options(force=True))
    assert len(report.written) == 1
    everywhere = sorted(p for p in tmp_path.rglob("*.md") if "src" not in p.parts)
    assert everywhere == _articles(tmp_path / "content") and len(everywhere) == 1
    assert identifier in everywhere[0].read_text(encoding="utf-8")  # the Identifier is kept
    assert "names no file of its folder" in caplog.text
