"""The theme's scripts and style sheets as served: minified copies that behave as the sources do."""

from __future__ import annotations

import random
import shutil
import subprocess
from pathlib import Path

import pytest

from bulletins.plugins.minify import adapter
from bulletins.search.build import build_index
from bulletins.search.cli import NodeSearch
from bulletins.site.minify import minify_text, mirror
from support.search_fixture import ENGINE_DOCS, generated_docs

ROOT = Path(__file__).resolve().parents[1]
STATIC = ROOT / "theme" / "static"
SCRIPTS = sorted((STATIC / "js").glob("*.js"))
ENGINE = ("search-tokens.js", "search-index.js", "search-core.js")
needs_node = pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")

# (name, suffix, source, what the copy must hold, what it must not)
CASES = {
    "js_comments_go": (
        ".js",
        "/* a */ const a = 1; // b\nconst c = a;\n",
        ["const a=1;", "const c=a;"],
        ["/* a */", "// b"],
    ),
    "js_strings_kept": (".js", 'const s = "// not a comment /* nor */";\n', ['"// not a comment /* nor */"'], []),
    "js_template_kept": (".js", "const t = `t/${a}  //  ${b}`;\n", ["`t/${a}  //  ${b}`"], []),
    "js_regex_kept": (".js", "const r = /^(\\d{4})-(\\d{2})/; // day\n", ["/^(\\d{4})-(\\d{2})/"], ["// day"]),
    "js_han_kept": (".js", 'const 标题 = "国务院 常务会议";\n', ['"国务院 常务会议"'], []),
    "css_comments_go": (".css", "/* site */\nbody {\n  color: #222;\n}\n", ["body{color:#222}"], ["/* site */"]),
    "css_strings_kept": (".css", 'q::before { content: "/* “ */"; }\n', ['"/* “ */"'], []),
}


@pytest.mark.parametrize("suffix, source, present, absent", CASES.values(), ids=CASES.keys())
def test_minify_text(suffix, source, present, absent):
    out = minify_text(source, suffix, f"../readable/x{suffix}")
    assert out.startswith(f"/*! minified; the readable source is ../readable/x{suffix} */\n")
    assert len(out) < len(source) + 80
    for text in present:
        assert text in out, out
    for text in absent:
        assert text not in out, out


@pytest.mark.parametrize("suffix", [".html", ".svg", ".woff2", ""])
def test_other_files_unchanged(suffix):
    assert minify_text("<p> a  b </p>\n", suffix) == "<p> a  b </p>\n"


def test_mirror_folders_files_and_odd_cases(tmp_path):
    theme = tmp_path / "theme"
    (theme / "static" / "js").mkdir(parents=True)
    (theme / "static" / "js" / "a.js").write_text("// note\nconst a = 1;\n", encoding="utf-8")
    (theme / "static" / "js" / "latin.js").write_bytes(b"var s = '\xe9';\n")  # not UTF-8: as it is
    (theme / "static" / "img.svg").write_text("<svg> </svg>", encoding="utf-8")
    (theme / "extra.css").write_text("a { color : red ; }", encoding="utf-8")
    sources = [theme / "static", theme / "extra.css", theme / "missing"]
    entries, done = mirror(sources, tmp_path / "mirror")
    assert entries == [tmp_path / "mirror" / "0", tmp_path / "mirror" / "1", theme / "missing"]
    served = (entries[0] / "js" / "a.js").read_text(encoding="utf-8")
    assert served == "/*! minified; the readable source is ../readable/js/a.js */\nconst a=1;\n"
    assert (entries[0] / "readable" / "js" / "a.js").read_text(encoding="utf-8") == "// note\nconst a = 1;\n"
    assert (entries[0] / "js" / "latin.js").read_bytes() == b"var s = '\xe9';\n"
    assert (entries[0] / "img.svg").read_text(encoding="utf-8") == "<svg> </svg>"
    assert (
        not (entries[0] / "readable" / "img.svg").exists()
        and not (entries[0] / "readable" / "js" / "latin.js").exists()
    )
    served = (entries[1] / "extra.css").read_text(encoding="utf-8")
    assert served == "/*! minified; the readable source is readable/extra.css */\na{color:red}\n"
    assert (entries[1] / "readable" / "extra.css").read_text(encoding="utf-8") == "a { color : red ; }"
    assert sorted(m.path.name for m in done) == ["a.js", "extra.css"]
    (theme / "static" / "js" / "a.js").unlink()
    entries, done = mirror(sources, tmp_path / "mirror")  # made anew: a file gone from the theme goes
    assert not (entries[0] / "js" / "a.js").exists() and not (entries[0] / "readable" / "js" / "a.js").exists()
    assert [m.path.name for m in done] == ["extra.css"]


def serve_minified(pelican) -> None:
    """What a build does to PELICAN: ``initialized``, then ``get_generators`` (the mirror made)."""
    adapter.initialized(pelican)
    adapter.build_begins(pelican)


class FakePelican:
    def __init__(self, tmp_path: Path, **settings):
        self.settings = {"THEME": str(ROOT / "theme"), "THEME_STATIC_PATHS": ["static"], "CACHE_PATH": str(tmp_path)}
        self.settings.update(settings)


@pytest.mark.parametrize(
    "value, minified",
    [(True, True), (False, False), (None, True)],
    ids=["on", "off", "default_on"],
)
def test_setting(tmp_path, value, minified):
    pelican = FakePelican(tmp_path, **({} if value is None else {"BULLETINS_MINIFY_THEME": value}))
    serve_minified(pelican)
    paths = pelican.settings["THEME_STATIC_PATHS"]
    assert (paths != ["static"]) is minified
    if minified:
        served = Path(paths[0]) / "js" / "search-core.js"
        assert served.stat().st_size < (STATIC / "js" / "search-core.js").stat().st_size * 0.7


def test_bad_setting_is_one_line(tmp_path):
    with pytest.raises(SystemExit, match="BULLETINS_MINIFY_THEME = 'yes' is not valid"):
        serve_minified(FakePelican(tmp_path, BULLETINS_MINIFY_THEME="yes"))


@needs_node
@pytest.mark.parametrize("script", SCRIPTS, ids=[s.name for s in SCRIPTS])
def test_every_theme_script_still_parses(tmp_path, script):
    out = tmp_path / script.name
    out.write_text(minify_text(script.read_text(encoding="utf-8"), ".js", script.name), encoding="utf-8")
    done = subprocess.run(["node", "--check", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def _queries(docs: list[dict], count: int, seed: int = 11) -> list[str]:
    """Fixed-seed substrings of the bulletins (2-8 characters), then the syntax's odd cases."""
    rng = random.Random(seed)
    picked = []
    for _ in range(count):
        text = rng.choice(docs)["body"]
        size = rng.randint(2, 8)
        start = rng.randrange(max(1, len(text) - size))
        picked.append(text[start : start + size])
    return [*picked, "經濟發展", '"会议 议程"', "会议 议程", "G20", "constructor", "国内联播快讯", "", "。", "x" * 300]


OPTIONS = [
    {"limit": 0},
    {"limit": 3, "offset": 2, "sort": "date"},
    {"category": "常务会议", "from": "2022-01-01", "to": "2023-06-30"},
    {"inForce": True, "snippets": False},
]


@needs_node
def test_minified_engine_answers_as_the_source_does(tmp_path):
    """The same index, the same queries and options: the minified engine's answers and the files
    it reads are the source engine's, byte for byte."""
    docs = [*ENGINE_DOCS, *generated_docs(400)]
    build_index(docs, tmp_path / "search")
    (tmp_path / "min").mkdir()
    for name in ENGINE:
        source = (STATIC / "js" / name).read_text(encoding="utf-8")
        (tmp_path / "min" / name).write_text(minify_text(source, ".js", name), encoding="utf-8")
    answers = {}
    for label, core in (("source", STATIC / "js" / "search-core.js"), ("min", tmp_path / "min" / "search-core.js")):
        with NodeSearch(core, tmp_path / "search") as node:
            answers[label] = [node.search(q, fresh=True, **opts) for q in _queries(docs, 60) for opts in OPTIONS]
    assert sum(a.get("total", 0) for a in answers["source"]) > 1000
    assert answers["min"] == answers["source"]


def test_built_site_serves_minified_copies_and_carries_the_readable_ones():
    """The sample archive as built: every theme script and style sheet served minified, its
    readable source beside it under readable/, byte for byte the theme's, and named by the copy."""
    from support.sites import sample_site

    output = sample_site().output / "theme"
    theme_files = sorted(p for p in STATIC.rglob("*") if p.suffix in (".js", ".css"))
    assert len(theme_files) >= 10
    for source in theme_files:
        relative = source.relative_to(STATIC).as_posix()
        served = (output / relative).read_text(encoding="utf-8")
        readable = output / "readable" / relative
        assert readable.read_bytes() == source.read_bytes(), relative
        link = served.splitlines()[0].removeprefix("/*! minified; the readable source is ").removesuffix(" */")
        assert (output / relative).parent.joinpath(link).resolve() == readable.resolve(), relative
        assert len(served) < 0.85 * len(source.read_text(encoding="utf-8")), relative


@pytest.mark.parametrize(
    "change",
    [{"THEME_STATIC_PATHS": ["/elsewhere/cache/bulletins-theme-static/0"]}, {"BULLETINS_MINIFY_THEME": False}],
    ids=["mirror_path", "minify_off"],
)
def test_the_mirror_changes_no_page_fingerprint(tmp_path, change):
    """Pages only link the theme's files: where the mirror lies (the project's folder) and whether
    it minifies leave every page's fingerprint, and so the page cache, as they were."""
    from bulletins.site.fingerprint import settings_digest

    pelican = FakePelican(tmp_path, SITENAME="某区政府公报")
    serve_minified(pelican)
    assert settings_digest(pelican.settings) == settings_digest({**pelican.settings, **change})
    assert settings_digest(pelican.settings) != settings_digest({**pelican.settings, "SITENAME": "另一个公报"})


def test_the_mirror_is_made_when_each_build_begins_from_the_theme_paths_as_set(tmp_path):
    """``initialized`` only checks and keeps the paths; each build (``--autoreload`` runs many)
    makes the mirror from them, not from the mirror the last build's settings name."""
    pelican = FakePelican(tmp_path)
    adapter.initialized(pelican)
    assert pelican.settings["THEME_STATIC_PATHS"] == ["static"] and not (tmp_path / adapter.MIRROR).exists()
    adapter.build_begins(pelican)
    first = pelican.settings["THEME_STATIC_PATHS"]
    served = Path(first[0]) / "js" / "search-core.js"
    assert served.stat().st_size < (STATIC / "js" / "search-core.js").stat().st_size * 0.7
    adapter.build_begins(pelican)
    assert pelican.settings["THEME_STATIC_PATHS"] == first and served.is_file()
    assert not (Path(first[0]) / "0").exists()  # not a mirror of the mirror
