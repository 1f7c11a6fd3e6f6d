"""The keyboard shortcuts reading.js implements are the ones the about page and the README list."""

from __future__ import annotations

import re

import pytest

from support.shared import ROOT

READING_JS = (ROOT / "theme" / "static" / "js" / "reading.js").read_text(encoding="utf-8")
ABOUT = (ROOT / "content" / "pages" / "about.md").read_text(encoding="utf-8")
README = (ROOT / "README.md").read_text(encoding="utf-8")
ESCAPE = "Esc"  # reading.js handles it apart from the single-key table


def implemented() -> set[str]:
    table = re.search(r"const KEYS = Object\.freeze\(\{(.*?)\}\);", READING_JS).group(1)
    return {key.strip("\"'") for key in re.findall(r"(\"[^\"]+\"|\w+):", table)} | {ESCAPE}


def about_keys() -> set[str]:
    table = re.search(r'<table class="shortcuts">(.*?)</table>', ABOUT, re.S).group(1)
    return set(re.findall(r"<tr><td><kbd>([^<]+)</kbd></td>", table))


def readme_keys() -> set[str]:
    section = README.split("## Reading aids", 1)[1].split("\n## ", 1)[0]
    cells = re.findall(r"^\| (`[^|]+`) \|", section, re.M)
    return {key for cell in cells for key in re.findall(r"`([^`]+)`", cell)}


@pytest.mark.parametrize("documented", [about_keys, readme_keys], ids=["about_page", "readme"])
def test_every_shortcut_is_documented_and_only_those(documented):
    assert implemented() == {"/", "s", "n", "p", ESCAPE}
    assert documented() == implemented()


def test_the_readme_names_every_reading_setting():
    section = README.split("## Reading aids", 1)[1].split("\n## ", 1)[0]
    for label in ("标准", "大", "特大", "跟随系统", "浅色", "深色", "高对比度", "加大", "开启", "关闭"):
        assert label in section, label
