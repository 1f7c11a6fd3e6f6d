"""The citations plugin in a Pelican build of the fixture articles: files beside each page, the
archive's CSL-JSON, the public URL, and rebuilds that rewrite only what changed."""

from __future__ import annotations

import json
import re
import shutil

import bibtexparser
import pytest
from bs4 import BeautifulSoup

from bulletins import sealed
from bulletins.plugins.citations import generator, store
from bulletins.plugins.incremental import forked
from bulletins.site import citation
from bulletins.site.folderstat import FolderStats
from support.bibtex import bibtex_text
from support.site_build import BASE_PLUGINS, FIXTURE_CONTENT, build_fixture_site

PLUGINS = [*BASE_PLUGINS, "bulletins.plugins.citations"]
NEW_ARTICLE = """\
Title: 临江区人民政府关于做好防汛工作的通知
Date: 2023-06-15
Category: 工作动态
Slug: ljq-2023-0615-fx
Identifier: LJ-20230615-fx
Publisher: 临江区人民政府
DocNumber: 临府发〔2023〕15号

各街道：请做好防汛工作。
"""
NEW = "bulletins/2023/06/ljq-2023-0615-fx"
SUFFIXES = (".bib", ".ris", ".json")


@pytest.fixture()
def content(tmp_path):
    folder = tmp_path / "content"
    shutil.copytree(FIXTURE_CONTENT, folder)
    return folder


def build(out, content, **settings):
    return build_fixture_site(out, PATH=str(content), PLUGINS=PLUGINS, **settings)


def cite_files(root):
    """Every citation file of the site -> its mtime."""
    found = [p for p in (root / "bulletins").rglob("*") if p.suffix in SUFFIXES]
    return {str(p.relative_to(root)): p.stat().st_mtime_ns for p in [*found, root / "data" / "bulletins-csl.json"]}


def article_pages(root):
    return sorted(p for p in (root / "bulletins").rglob("*.html") if p.name != "index.html")


def test_every_article_has_its_files_and_one_archive_item(tmp_path, content):
    out = build(tmp_path / "output", content)
    pages = article_pages(out)
    assert pages
    for page in pages:
        for suffix in SUFFIXES:
            assert page.with_suffix(suffix).is_file(), page.with_suffix(suffix)
    items = json.loads((out / "data" / "bulletins-csl.json").read_text(encoding="utf-8"))
    assert len(items) == len(pages)
    assert len({item["id"] for item in items}) == len(items)
    dates = [item["issued"]["date-parts"][0] for item in items]
    assert dates == sorted(dates)


def test_public_url_in_tags_reference_and_files(tmp_path, content):
    public = "https://archive.linjiang.example/"
    out = build(tmp_path / "output", content, BULLETINS_PUBLIC_URL=public)
    page = article_pages(out)[0]
    url = public + page.relative_to(out).as_posix()
    html = page.read_text(encoding="utf-8")
    assert f'<meta name="citation_public_url" content="{url}">' in html
    assert re.search(rf'<span class="cite-url">{re.escape(url)}</span>\.</p>', html)
    assert "data-href" not in html
    assert f"UR  - {url}\r\n" in page.with_suffix(".ris").read_bytes().decode("utf-8")
    assert json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))[0]["URL"] == url


def test_without_public_url_no_public_tag(tmp_path, content):
    out = build(tmp_path / "output", content)
    for page in article_pages(out):
        html = page.read_text(encoding="utf-8")
        assert "citation_public_url" not in html
        assert 'data-href="../../../' in html


def test_rebuild_rewrites_only_the_new_bulletins_files(tmp_path, content):
    out = build(tmp_path / "output", content)
    before = cite_files(out)
    build(out, content)
    assert cite_files(out) == before, "an unchanged rebuild rewrote citation files"
    (content / f"{NEW}.md").write_text(NEW_ARTICLE, encoding="utf-8")
    build(out, content)
    after = cite_files(out)
    rewritten = {name for name, mtime in after.items() if before.get(name) != mtime}
    assert rewritten == {f"{NEW}{suffix}" for suffix in SUFFIXES} | {"data/bulletins-csl.json"}
    bib = (out / f"{NEW}.bib").read_text(encoding="utf-8")
    assert "number = {临府发〔2023〕15号}" in bib and "type = {通知}" in bib


def test_removed_bulletin_loses_its_files(tmp_path, content):
    (content / f"{NEW}.md").write_text(NEW_ARTICLE, encoding="utf-8")
    out = build(tmp_path / "output", content)
    assert (out / f"{NEW}.bib").is_file()
    (content / f"{NEW}.md").unlink()
    build(out, content)
    assert not any((out / f"{NEW}{suffix}").exists() for suffix in SUFFIXES)
    items = json.loads((out / "data" / "bulletins-csl.json").read_text(encoding="utf-8"))
    assert NEW.replace("/", "-") not in {item["id"] for item in items}


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda p: p.unlink(), id="deleted"),
        pytest.param(lambda p: p.write_text("@misc{x,}\n", encoding="utf-8"), id="overwritten"),
        pytest.param(lambda p: p.write_bytes(p.read_bytes()[:-2]), id="truncated"),
    ],
)
def test_a_damaged_file_is_written_again(tmp_path, content, damage):
    out = build(tmp_path / "output", content)
    bib = article_pages(out)[0].with_suffix(".bib")
    good = bib.read_bytes()
    damage(bib)
    build(out, content)
    assert bib.read_bytes() == good


HOSTILE = """\
Title: 关于"引号"{甲}100%与</script><script>alert(1)</script>的通知
Date: 2023-06-16
Category: 工作动态
Slug: ljq-2023-0616-hostile
Publisher: 临江区<b>人民</b>政府 & "办公室"
DocNumber: 临府发〔2023〕16号

正文。
"""


def test_hostile_header_values_are_escaped_everywhere(tmp_path, content):
    (content / "bulletins/2023/06/ljq-2023-0616-hostile.md").write_text(HOSTILE, encoding="utf-8")
    out = build(tmp_path / "output", content)
    page = out / "bulletins/2023/06/ljq-2023-0616-hostile.html"
    html = page.read_text(encoding="utf-8")
    assert "<script>alert" not in html and "<b>人民</b>" not in html
    soup = BeautifulSoup(html, "html.parser")
    title = '关于"引号"{甲}100%与</script><script>alert(1)</script>的通知'
    publisher = '临江区<b>人民</b>政府 & "办公室"'
    assert soup.find("meta", attrs={"name": "citation_title"})["content"] == title
    assert soup.find("meta", attrs={"name": "DC.publisher"})["content"] == publisher
    assert soup.select_one(".cite-text").get_text().startswith(f"{publisher}. {title}[EB/OL]. (2023-06-16)")
    library = bibtexparser.parse_string(page.with_suffix(".bib").read_text(encoding="utf-8"))
    assert not library.failed_blocks
    assert bibtex_text(library.entries[0].fields_dict["title"].value) == title
    (item,) = json.loads(page.with_suffix(".json").read_text(encoding="utf-8"))
    assert item["title"] == title and item["publisher"] == publisher


def _lines(fields):
    return [store.item_line(f) for f in fields]


@pytest.mark.parametrize("count", [0, 1, 5])
def test_the_archive_file_made_item_by_item_equals_the_whole_rendering(tmp_path, count):
    fields = [
        citation.fields_of({"date": f"2024-0{n % 3 + 1}-0{n + 1}", "title": f"第{n}号"}, f"b/{n}.html", f"b/{n}.html")
        for n in range(count)
    ]
    order = sorted((f.date, f"b/{n}.html", f"key{n}") for n, f in enumerate(fields))
    by_page = {f"b/{n}.html": f for n, f in enumerate(fields)}
    path = tmp_path / "data" / "csl.json"
    whole = citation.render_csl(citation.csl_item(by_page[page]) for _, page, _ in order)
    made = lambda i: store.item_line(by_page[order[i][1]])  # noqa: E731
    assert generator.write_csl(path, order, made) == 1 and path.read_bytes() == whole
    mtime = path.stat().st_mtime_ns
    assert generator.write_csl(path, order, made) == 0 and path.stat().st_mtime_ns == mtime
    assert json.loads(whole) == sorted((citation.csl_item(f) for f in fields), key=lambda i: i["issued"]["date-parts"])


HOSTILE_TITLE = '",\n]\n\u2028\r{"id": "b/0.html"},\n'  # what would cut a line, were it not escaped


def _csl_site(tmp_path, pages):
    """An archive file of PAGES (their fields by number) and the record that describes it."""
    fields = {
        page: citation.fields_of({"date": f"2024-01-{n + 10}", "title": f"第{n}号{HOSTILE_TITLE}"}, page, page)
        for n, page in pages
    }
    order = sorted((f.date, page, "k") for page, f in fields.items())
    path = tmp_path / "csl.json"
    generator.write_csl(path, order, lambda i: store.item_line(fields[order[i][1]]))
    store.save_csl_record(tmp_path, "items", path, [page for _, page, _ in order])
    return path, fields


@pytest.mark.parametrize(
    ("kept", "made"),
    [
        pytest.param([0, 1, 2, 3, 4], [], id="all-copied"),
        pytest.param([0, 2, 4], [1], id="one-changed-one-gone"),
        pytest.param([1, 2, 3], [0, 4, 5], id="the-first-and-last-remade-one-added"),
        pytest.param([], [5, 6], id="none-copied"),
    ],
)
def test_a_spliced_archive_file_equals_the_file_made_whole(tmp_path, kept, made):
    """Lines of the last build's file for the items KEPT, new lines for those MADE (changed
    titles, or new pages): the bytes of the file rendered whole from the new items."""
    path, old = _csl_site(tmp_path, [(n, f"b/{n}.html") for n in range(5)])
    new = {f"b/{n}.html": old[f"b/{n}.html"] for n in kept}
    for n in made:
        new[f"b/{n}.html"] = citation.fields_of(
            {"date": f"2024-01-{n + 10}", "title": f"改{n}{HOSTILE_TITLE}"}, "x", "x"
        )
    order = sorted((f.date, page, "k") for page, f in new.items())
    fresh = {f"b/{n}.html" for n in made}
    line_of = lambda i: store.item_line(new[order[i][1]]) if order[i][1] in fresh else None  # noqa: E731
    old_lines = store.old_lines(path, store.load_csl_record(tmp_path))
    assert old_lines is not None
    generator.write_csl(path, order, line_of, old_lines)
    assert path.read_bytes() == citation.render_csl(citation.csl_item(new[page]) for _, page, _ in order)


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(path.read_bytes()), id="touched"),
        pytest.param(lambda path: path.write_text("[\n]\n", encoding="utf-8"), id="emptied"),
        pytest.param(lambda path: path.unlink(), id="gone"),
    ],
)
def test_an_archive_file_other_than_the_recorded_one_gives_no_lines(tmp_path, damage):
    path, _ = _csl_site(tmp_path, [(n, f"b/{n}.html") for n in range(3)])
    record = store.load_csl_record(tmp_path)
    assert [page for page, _ in store.old_lines(path, record)] == ["b/0.html", "b/1.html", "b/2.html"]
    damage(path)
    assert store.old_lines(path, record) is None


def test_a_page_missing_from_the_last_file_is_not_guessed(tmp_path):
    path, fields = _csl_site(tmp_path, [(0, "b/0.html"), (1, "b/1.html")])
    order = [(fields["b/1.html"].date, "b/1.html", "k"), (fields["b/0.html"].date, "b/0.html", "k")]  # out of order
    old_lines = store.old_lines(path, store.load_csl_record(tmp_path))
    with pytest.raises(KeyError):
        generator.write_csl(path, order, lambda i: None, old_lines)


@pytest.mark.parametrize("form", ["per-file", "per-page"])
def test_records_of_an_earlier_version_still_remove_a_gone_bulletins_files(tmp_path, content, form):
    """The JSON records of earlier versions (a file name -> [key, size, mtime_ns]; a page ->
    [fields key, size and mtime of each file]) are read once: the gone bulletin's files are
    removed, every other article's files kept, and the records saved in today's form."""
    (content / f"{NEW}.md").write_text(NEW_ARTICLE, encoding="utf-8")
    out = build(tmp_path / "output", content)
    cache = out.parent / "cache"
    records = sealed.unseal((cache / generator.STAMPS_CACHE).read_bytes())
    records = {save_as: [*record[:2], *store.STAMPS_FORM.unpack(record[2])] for save_as, record in records.items()}
    if form == "per-file":
        legacy = {
            name: ["k", *record[2 + 2 * i : 4 + 2 * i]]
            for save_as, record in records.items()
            for i, name in enumerate(generator.file_names(save_as))
        }
    else:
        legacy = {save_as: ["k", *record[2:]] for save_as, record in records.items()}
    (cache / store.LEGACY_STAMPS).write_text(json.dumps(legacy), encoding="utf-8")
    (cache / generator.STAMPS_CACHE).unlink()
    (content / f"{NEW}.md").unlink()
    build(out, content)
    assert not any((out / f"{NEW}{suffix}").exists() for suffix in SUFFIXES)
    kept = [name for save_as in records if NEW not in save_as for name in generator.file_names(save_as)]
    assert kept and all((out / name).is_file() for name in kept)
    saved = sealed.unseal((cache / generator.STAMPS_CACHE).read_bytes())
    assert len(saved) == len(records) - 1 and all(store.is_record(record) for record in saved.values())
    assert not (cache / store.LEGACY_STAMPS).exists()


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_record_is_fresh_for_its_key_and_untouched_files_only(tmp_path, jobs):
    """Records made by ``write_files`` (by JOBS processes, ``forked.MIN_JOBS`` of them so that
    two processes share the work) are fresh for their key while their files are untouched."""
    save_as = [f"bulletins/2024/03/ljq-{i:03d}.html" for i in range(forked.MIN_JOBS)]
    entries = [
        (f"key{i}", name, citation.fields_of({"title": f"临江区通知{i}", "date": "2024-03-05"}, name, name))
        for i, name in enumerate(save_as)
    ]
    out, damaged = str(tmp_path), {7, forked.MIN_JOBS - 3}
    done = forked.run_jobs(entries, lambda entry: generator.write_files(out, entry[1], entry[2], entry[0]), jobs)
    assert [count for count, _ in done] == [3] * len(entries)
    assert all(record[:2] == (f"key{i}", "2024-03-05") for i, (_, record) in enumerate(done))
    for i in damaged:
        (tmp_path / f"{save_as[i][:-5]}.ris").write_text("damaged", encoding="utf-8")
    with FolderStats(out) as stats:  # the build's way: each folder opened once
        fresh = [
            store.fresh_record(record, f"key{i}", stats, generator.file_names(save_as[i]))
            for i, (_, record) in enumerate(done)
        ]
        assert fresh == [i not in damaged for i in range(len(entries))]
        assert not store.fresh_record(done[0][1], "other", stats, generator.file_names(save_as[0]))


def _add_article(content, out):
    (content / f"{NEW}.md").write_text(NEW_ARTICLE, encoding="utf-8")


def _touch_csl(content, out):
    csl = out / "data" / citation.ARCHIVE_CSL
    csl.write_bytes(csl.read_bytes())  # same bytes, a new mtime


def _overwrite_csl(content, out):
    (out / "data" / citation.ARCHIVE_CSL).write_text("[]", encoding="utf-8")


def _remove_one(content, out):
    (content / "bulletins/2023/06/ljq-2023-0602-ggwh.md").unlink()


def _cache(out):
    return out.parent / "cache" / generator.CSL_CACHE


@pytest.mark.parametrize(
    ("change", "rendered"),
    [
        pytest.param(lambda content, out: None, False, id="nothing-changed"),
        pytest.param(_add_article, True, id="an-article-added"),
        pytest.param(_remove_one, True, id="one-removed"),
        pytest.param(_touch_csl, True, id="the-file-touched"),
        pytest.param(_overwrite_csl, True, id="the-file-overwritten"),
        pytest.param(lambda content, out: _cache(out).unlink(), True, id="its-record-gone"),
        pytest.param(lambda content, out: _cache(out).write_text("{"), True, id="its-record-damaged"),
        pytest.param(
            lambda content, out: _cache(out).write_text("[1]", encoding="utf-8"), True, id="its-record-a-list"
        ),
    ],
)
def test_the_archive_file_is_rendered_only_when_its_items_or_the_file_changed(
    tmp_path, content, monkeypatch, change, rendered
):
    out = build(tmp_path / "output", content)
    change(content, out)
    calls = []
    real = generator.write_csl
    monkeypatch.setattr(generator, "write_csl", lambda *args: calls.append(args) or real(*args))
    build(out, content, BULLETINS_CITATIONS_BESIDE_PAGES=False)  # calls counted in this process
    assert len(calls) == int(rendered)
    cold = build(tmp_path / "cold" / "output", content)
    name = f"data/{citation.ARCHIVE_CSL}"
    assert (out / name).read_bytes() == (cold / name).read_bytes()


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(lambda path: path.write_bytes(b"\x00garbage"), id="garbage"),
        pytest.param(lambda path: path.write_bytes(path.read_bytes()[:100]), id="truncated"),
        pytest.param(lambda path: path.write_bytes(sealed.seal([1, 2])), id="a-list"),
        pytest.param(lambda path: path.write_bytes(sealed.seal({"x.html": [1], 3: ["k"]})), id="odd-records"),
        pytest.param(
            lambda path: path.write_bytes(sealed.seal({k: ["k", "1999-01-01", 0, 0, 0, 0, 0, 0] for k in ["a.html"]})),
            id="records-of-other-pages",
        ),
        pytest.param(lambda path: path.unlink(), id="gone"),
    ],
)
def test_a_damaged_record_file_costs_work_never_wrong_files(tmp_path, content, damage):
    """Whatever the records file holds, the next build's citation files and archive file are a
    cold build's (after an edit, so that both unchanged and changed articles pass), and its
    records are whole again."""
    out = build(tmp_path / "output", content)
    damage(out.parent / "cache" / generator.STAMPS_CACHE)
    page = sorted((content / "bulletins").rglob("*.md"))[0]
    page.write_text(page.read_text(encoding="utf-8").replace("Title: ", "Title: （修订）", 1), encoding="utf-8")
    build(out, content)
    cold = build(tmp_path / "cold" / "output", content)
    names = [p.relative_to(cold) for p in cold.rglob("*") if p.suffix in SUFFIXES or p.name == citation.ARCHIVE_CSL]
    assert len(names) > 3 * 5
    assert all((out / name).read_bytes() == (cold / name).read_bytes() for name in names)
    records = sealed.unseal((out.parent / "cache" / generator.STAMPS_CACHE).read_bytes())
    assert len(records) == len(article_pages(cold)) and all(store.is_record(r) for r in records.values())


class _Article:
    """What the citations read of an article: its page, title, header and URL."""

    def __init__(self, save_as: str, title: str, date: str):
        self.save_as, self.url, self.title = save_as, save_as, title
        self.metadata = {"date": date, "publisher": f"{title}的机关"}


def _files_of(root, articles) -> dict:
    gen = generator.CitationsGenerator.__new__(generator.CitationsGenerator)
    gen.settings, gen.output_path, gen.public = {"CACHE_PATH": str(root / "cache")}, str(root / "out"), ""
    gen.articles, gen.stamps = list(articles), root / "cache" / generator.STAMPS_CACHE
    gen._write_files(1)
    return {str(p.relative_to(root / "out")): p.read_bytes() for p in sorted((root / "out").rglob("*")) if p.is_file()}


@pytest.mark.parametrize(
    "pages",
    [
        pytest.param(["a/b.html", "a/b.htm"], id="one-files-for-two-pages"),
        pytest.param(["a/b.html", "a/b.html"], id="one-page-twice"),
        pytest.param(["a/b.html", "a/c.html", "a/b.htm", "a/b.html"], id="three-on-one-stem"),
    ],
)
def test_pages_sharing_their_files_are_written_as_a_cold_build_writes_them(tmp_path, pages):
    """Articles whose citation files are the same files: every rebuild leaves the last one's, as
    a cold build does, and the archive file holds each article's item."""
    articles = [_Article(page, f"第{n}号通知", f"2024-01-0{n + 1}") for n, page in enumerate(pages)]
    cold = _files_of(tmp_path / "cold", articles)
    for _ in range(3):
        assert _files_of(tmp_path / "warm", articles) == cold
    items = json.loads(cold[f"data/{citation.ARCHIVE_CSL}"])
    assert [item["title"] for item in items] == [a.title for a in articles]


def test_the_input_key_covers_the_code_the_fields_are_made_by():
    """``fields_for`` calls ``join_url`` and ``with_suffix``: their modules are in the key's code."""
    import inspect
    from pathlib import Path

    from bulletins.site.output_files import with_suffix
    from bulletins.site.sitemap import join_url

    package = Path(citation.__file__).resolve().parents[1]
    hashed = {package / name for name in store.CODE}
    used = [generator.fields_for, citation.fields_of, join_url, with_suffix, generator.header_text]
    assert {Path(inspect.getsourcefile(f)).resolve() for f in used} <= hashed | {Path(store.__file__).resolve()}


@pytest.mark.parametrize(
    "save_as",
    [
        "bulletins/2019/01/g-003.html",
        "bulletins/2019/01/g-003.htm",
        "a.tar.gz",
        "no-suffix",
        "folder.d/page",
        ".hidden",
        "x.",
        "..html",
        "a//b/./c.html",
        "./d/e.html",
        "公报/2020/第一期.html",
    ],
)
def test_the_citation_files_are_named_as_each_kind_names_them(save_as):
    expected = [citation.file_path(save_as, suffix) for suffix, _ in citation.FILE_KINDS]
    assert generator.file_names(save_as) == expected


def _citation_state(out):
    """The citation files' bytes, the archive file's and the records as saved (their key, date
    and files' sizes: the mtimes are each build's own)."""
    files = {name: (out / name).read_bytes() for name in cite_files(out)}
    records = sealed.read_dict(out.parent / "cache" / generator.STAMPS_CACHE)
    return files, {page: (*record[:2], *store.STAMPS_FORM.unpack(record[2])[::2]) for page, record in records.items()}


@pytest.mark.parametrize("size", [1, 2, 3])
def test_articles_written_a_round_at_a_time_equal_all_at_once(tmp_path, content, monkeypatch, size):
    """Rounds of SIZE articles (``ROUND``) give the files, archive file and records that one
    round gives, cold and after a bulletin is added: what a round holds is bounded, not what
    the build writes."""
    (content / "extra").mkdir()
    for i in range(5):  # a few more than the rounds hold, some on one day
        text = NEW_ARTICLE.replace("15号", f"{20 + i}号").replace("0615-fx", f"0615-{i}").replace("防汛", f"防汛{i}")
        (content / "extra" / f"{i}.md").write_text(text, encoding="utf-8")
    states = {}
    for label, rounds in (("whole", 10_000), ("rounds", size)):
        monkeypatch.setattr(generator, "ROUND", rounds)
        out = build(tmp_path / label / "output", content)
        cold = _citation_state(out)
        (content / f"{NEW}.md").write_text(NEW_ARTICLE, encoding="utf-8")
        build(out, content)
        states[label] = (cold, _citation_state(out))
        (content / f"{NEW}.md").unlink()
    (cold_files, cold_records), (warm_files, _) = states["rounds"]
    assert len(cold_records) > 2 * size and len(warm_files) == len(cold_files) + 3
    assert states["rounds"] == states["whole"]


PACKED = store.make_record("k" * 24, "2024-03-05", range(1, 7))


@pytest.mark.parametrize(
    "value, expected",
    [
        (PACKED, PACKED),
        (["k" * 24, "2024-03-05", 1, 2, 3, 4, 5, 6], PACKED),  # the list form, read as the packed one
        (["k", "", 1, 2, 3, 4, 5], None),  # one stamp short
        (["k", "", 1, 2, 3, 4, 5, "6"], None),
        (["k", "", 1, 2, 3, 4, 5, 2**63], None),  # past 8 bytes
        ([1, "", 1, 2, 3, 4, 5, 6], None),
        (("k", "d", b"\0" * 47), None),
        (("k", "d", b"\0" * 48, "more"), None),
        (("k", None, b"\0" * 48), None),
        ({"k": 1}, None),
        (None, None),
    ],
)
def test_a_record_is_read_packed_from_either_form_or_not_at_all(value, expected):
    assert store.as_record(value) == expected
    assert store.is_record(value) == (value is PACKED)


def test_a_record_file_of_the_list_form_stands_for_its_files(tmp_path, content):
    """A record file of the earlier list form costs no file made again: its records are
    packed as read, and the next save is of the packed form."""
    out = build(tmp_path / "output", content)
    path = out.parent / "cache" / generator.STAMPS_CACHE
    packed = sealed.unseal(path.read_bytes())
    as_lists = {page: [*r[:2], *store.STAMPS_FORM.unpack(r[2])] for page, r in packed.items()}
    sealed.write_sealed(path, as_lists)
    before = {name: (out / name).stat().st_mtime_ns for name in cite_files(out)}
    assert store.load_records(path.parent) == packed
    build(out, content)
    assert {name: (out / name).stat().st_mtime_ns for name in cite_files(out)} == before
    assert all(store.is_record(r) for r in sealed.unseal(path.read_bytes()).values())


def test_written_records_hold_one_date_string_a_day(tmp_path, content):
    """A day's articles' records hold one date string between them, as written (marshal keeps
    an object held twice once) and so as read back."""
    for i in range(3):  # three bulletins of one day
        text = NEW_ARTICLE.replace("15号", f"{30 + i}号").replace("0615-fx", f"0615-d{i}")
        (content / f"{NEW}-d{i}.md").write_text(text, encoding="utf-8")
    out = build(tmp_path / "output", content)
    kept = store.load_records(out.parent / "cache")
    day = [record for page, record in kept.items() if "0615-d" in page]
    assert len(day) == 3 and len({id(record[1]) for record in day}) == 1
    assert all(store.is_record(record) for record in kept.values())


@pytest.mark.parametrize("count", [0, 1, store.PIECE_RECORDS, store.PIECE_RECORDS + 1, 3 * store.PIECE_RECORDS + 7])
def test_records_are_saved_in_pieces_and_read_back_whole(tmp_path, count):
    """The records go into the file ``PIECE_RECORDS`` at a time (no marshal of them all at once)
    and read back as one dict, in their order; a file of one piece, as earlier versions wrote
    it, reads the same."""
    records = {
        f"bulletins/2024/{i % 12 + 1:02d}/b-{i}.html": store.make_record(
            f"{i:024x}", f"2024-{i % 12 + 1:02d}-01", range(i, i + 2 * len(citation.FILE_KINDS))
        )
        for i in range(count)
    }
    store.save_records(tmp_path, records)
    pieces = sealed.read_pieces(tmp_path / store.STAMPS)
    assert [len(piece) for piece in pieces] == [
        min(store.PIECE_RECORDS, count - at) for at in range(0, count, store.PIECE_RECORDS)
    ]
    loaded = store.load_records(tmp_path)
    assert loaded == records and list(loaded) == list(records)
    sealed.write_sealed(tmp_path / store.STAMPS, records)
    assert store.load_records(tmp_path) == records


def test_a_records_file_with_a_piece_not_a_dict_is_no_record(tmp_path):
    good = {"a.html": store.make_record("k", "2024-01-01", range(2 * len(citation.FILE_KINDS)))}
    sealed.write_pieces(tmp_path / store.STAMPS, [good, ["not", "records"]])
    assert store.load_records(tmp_path) == {}


def test_the_archives_order_is_by_date_then_page_and_read_lazily():
    """``_Order`` gives (date, page, key) in the order a sort by (date, page) gives, by index and
    in turn, from the items' own lists."""
    items = generator._Items(["b.html", "a.html", "c.html", "d.html"])
    items.keys[:] = ["kb", "ka", "kc", "kd"]
    items.dates[:] = ["2024-02-01", "2024-02-01", "2023-12-31", "2024-02-01"]
    ordered = sorted(range(4), key=items.pages.__getitem__)
    ordered.sort(key=items.dates.__getitem__)
    order = generator._Order(items, ordered)
    expected = sorted(zip(items.dates, items.pages, items.keys))
    assert list(order) == expected and [order[i] for i in range(len(order))] == expected and len(order) == 4
