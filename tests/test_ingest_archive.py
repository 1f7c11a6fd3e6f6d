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

from bulletins import sealed
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


def _pieces(data: bytes) -> list:
    """The cache's pieces (lists of lines), read as ``load_lines`` reads them."""
    view, at, pieces = memoryview(data), len(archive.MAGIC), []
    while at < len(data):
        piece, at = sealed.unframe(view, at)
        pieces.append(sealed.loads(piece))
    return pieces


def _written(pieces: list) -> bytes:
    return archive.MAGIC + b"".join(sealed.entry(piece) for piece in pieces)


def _damages(data: bytes, rng: random.Random) -> list[tuple[str, bytes]]:
    cut = rng.randrange(1, len(data))
    flipped = bytearray(data)
    for _ in range(8):
        flipped[rng.randrange(len(data))] = rng.randrange(256)
    pieces = _pieces(data)
    line = pieces[0][0]
    name, size, mtime, *fields = line.split("\t")
    wrong = [
        "\t".join([name, size, mtime, *fields, "extra"]),  # one value too many
        "\t".join([name, "x" + size, mtime, *fields]),
        "\t".join([name, "²", mtime, *fields]),
        "\t".join([name, size, "١٢", *fields]),
        name,  # no value at all
        "\t".join([name, size]),
    ]
    return [
        ("truncated", data[:cut]),
        ("bytes flipped", bytes(flipped)),
        ("another version", data.replace(b"headers 2", b"headers 3", 1)),
        ("the first version, JSON", json.dumps({"version": 1, "files": {}}).encode()),
        *(
            (f"a line of the wrong shape {i}", _written([[bad, *pieces[0][1:]], *pieces[1:]]))
            for i, bad in enumerate(wrong)
        ),
        ("a piece that is not a list", _written([{"a": 1}, *pieces])),
        ("a piece of numbers", _written([[1, 2], *pieces])),
        ("lines out of order", _written([list(reversed(piece)) for piece in reversed(pieces)])),
        ("a line twice", _written([[line, *pieces[0]], *pieces[1:]])),
        ("empty", b""),
        ("only the first bytes", archive.MAGIC),
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
    names += ["a!/b.md", "a.md-x/y.md", "a\x01b.md", "a/b!.md", "a/b/!.md", "a.mdx/z.md", "2024/0/a.md", "2024/03a.md"]
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
    found = list(archive.article_names(str(root)))  # in rglob's sorted order as found
    assert found == expected
    assert found == sorted(found, key=archive.walk_order) == sorted(found, key=lambda name: name.split("/"))
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


def test_a_cache_of_several_pieces_damaged_in_one_is_used_up_to_it(content, monkeypatch):
    monkeypatch.setattr(archive, "PIECE", 3)
    (content / archive.CACHE_NAME).unlink()
    found = archive.Archive(content)
    found.save()
    data = (content / archive.CACHE_NAME).read_bytes()
    pieces = _pieces(data)
    assert len(pieces) > 3 and all(len(piece) <= 3 for piece in pieces)
    damaged = _written(pieces[:2]) + sealed.entry(pieces[2])[:-1] + b"\x00" + b"".join(map(sealed.entry, pieces[3:]))
    (content / archive.CACHE_NAME).write_bytes(damaged)
    expected = without_cache(content)
    (content / archive.CACHE_NAME).write_bytes(damaged)
    again = archive.Archive(content)
    assert again.headers_read == sum(map(len, pieces[2:]))  # the first two pieces' files not read
    assert answers(again) == expected


def _rename(content: Path, name: str) -> Path:
    source = _articles(content)[0]
    target = source.with_name(name)
    source.rename(target)
    return target


@pytest.mark.parametrize("name", ["tab\there.md", "line\nbreak.md", "\u2028sep.md", "%09.md"])
def test_a_file_whose_name_a_line_cannot_hold_is_read_every_run(content, name):
    _rename(content, name)
    first = archive.Archive(content)
    first.save()
    again = archive.Archive(content)
    holds_tab = "\t" in name
    assert again.headers_read == (1 if holds_tab else 0)
    assert answers(again) == answers(first) == without_cache(content)


@pytest.mark.parametrize(
    ("field", "value"),
    [("SourceLine", "²"), ("SourceLine", "١٢"), ("SourceId", "a\tb"), ("Slug", "x\ty"), ("Identifier", "")],
)
def test_a_hand_edited_header_value_is_answered_as_without_the_cache(content, field, value):
    path = _articles(content)[2]
    text = path.read_text(encoding="utf-8")
    if f"\n{field}: " in text:
        text = re.sub(rf"(?m)^{field}: .*$", lambda _: f"{field}: {value}", text, count=1)
    else:
        text = text.replace("\n", f"\n{field}: {value}\n", 1)
    path.write_text(text, encoding="utf-8")
    first = archive.Archive(content)
    first.save()
    again = archive.Archive(content)
    assert answers(again) == answers(first) == without_cache(content)


def test_a_cache_of_the_first_version_is_read_as_none_and_written_anew(content):
    cache = content / archive.CACHE_NAME
    cache.write_text(json.dumps({"version": 1, "files": {}}), encoding="utf-8")
    found = archive.Archive(content)
    assert found.headers_read == len(_articles(content))
    found.save()
    assert cache.read_bytes().startswith(archive.MAGIC)
    assert archive.Archive(content).headers_read == 0


_STEPS = ("edit", "touch", "copy", "remove", "rename", "new-folder", "damage", "ingest-save")


def _step(content: Path, rng: random.Random, step: str) -> None:
    files = _articles(content)
    path = rng.choice(files) if files else None
    if step == "edit" and path:
        _edit(path)
    elif step == "touch" and path:
        _touch(path)
    elif step == "copy" and path:
        (path.parent / f"c{rng.randrange(10**6)}-{path.name}").write_bytes(path.read_bytes())
    elif step == "remove" and path:
        path.unlink()
    elif step == "rename" and path:
        path.rename(path.with_name(f"r{rng.randrange(10**6)}.md"))
    elif step == "new-folder" and path:
        folder = content / "bulletins" / str(rng.randrange(1990, 2030)) / f"{rng.randrange(1, 13):02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / path.name).write_bytes(path.read_bytes())
    elif step == "damage":
        cache = content / archive.CACHE_NAME
        if cache.is_file() and cache.stat().st_size:
            data = bytearray(cache.read_bytes())
            data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
            cache.write_bytes(bytes(data))
    elif step == "ingest-save":
        archive.Archive(content).save()


@pytest.mark.parametrize("seed", range(8))
def test_a_seeded_campaign_of_changes_never_gives_other_answers(content, seed, monkeypatch):
    """Random changes to the articles and the cache, runs that save between them: every run
    answers what a run without the cache answers."""
    monkeypatch.setattr(archive, "PIECE", 4)
    rng = random.Random(seed)
    archive.Archive(content).save()
    for _ in range(12):
        for step in rng.sample(_STEPS, 3):
            _step(content, rng, step)
        cache = content / archive.CACHE_NAME
        kept = cache.read_bytes() if cache.is_file() else None
        expected = without_cache(content)
        if kept is not None:
            cache.write_bytes(kept)
        found = archive.Archive(content)
        assert answers(found) == expected
        found.save()
