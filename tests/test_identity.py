"""Slugs and Identifiers: ASCII, unique, and the same on every run."""

import datetime as dt
import os
import re

import pytest

from bulletins.ingest import identity


@pytest.mark.parametrize(
    "name,expected",
    [
        pytest.param("20220924-00", "20220924-00", id="corpus-record-id"),
        pytest.param("000_8999f5b1fbddfc77", "000-8999f5b1fbddfc77", id="seed-file-stem"),
        pytest.param("Qingxi 0407", "qingxi-0407", id="case-and-space"),
        pytest.param("区政府会议", "", id="chinese-stem"),
        pytest.param("a/b", "", id="slash"),
        pytest.param("--", "", id="only-dashes"),
        pytest.param("x" * 61, "", id="too-long"),
        pytest.param(None, "", id="none"),
    ],
)
def test_ascii_name(name, expected):
    assert identity.ascii_name(name) == expected


@pytest.mark.parametrize(
    "title,expected",
    [
        pytest.param("区政府常务会议", "qzfcwhy", id="han"),
        pytest.param("2023年GDP增长", "2023ngdpzz", id="digits-and-latin"),
        pytest.param("《》，。", "", id="punctuation-only"),
    ],
)
def test_title_initials(title, expected):
    assert identity.title_initials(title) == expected


def test_base_slug_falls_back_to_initials_and_key_hash():
    key = identity.source_key("sources/会议.txt")
    slug = identity.base_slug(key, "区政府常务会议", "会议")
    assert re.fullmatch(r"qzfcwhy-[0-9a-f]{6}", slug)
    assert slug == identity.base_slug(key, "区政府常务会议", "会议")
    assert slug != identity.base_slug(identity.source_key("sources/其他.txt"), "区政府常务会议", "其他")


def test_base_slug_without_any_ascii_is_the_hash():
    assert re.fullmatch(r"[0-9a-f]{6}", identity.base_slug("k", "《》", None))


@pytest.mark.parametrize(
    "taken,expected_suffix",
    [
        pytest.param(set(), "", id="free"),
        pytest.param({"a"}, "-6", id="taken-adds-key-hash"),
    ],
)
def test_unique_slug(taken, expected_suffix):
    slug = identity.unique_slug("a", "key", taken)
    if expected_suffix:
        assert slug == "a-" + identity.key_hash("key", 6)
    else:
        assert slug == "a"


def test_unique_slug_when_the_hashed_form_is_taken_too():
    taken = {"a", "a-" + identity.key_hash("key", 6)}
    assert identity.unique_slug("a", "key", taken) == "a-" + identity.key_hash("key", 10)


def test_identifier_is_date_and_key_hash_upper_case():
    ident = identity.identifier(dt.date(2022, 2, 28), "sources/a.txt")
    assert re.fullmatch(r"2022-0228-[0-9A-F]{8}", ident)
    assert ident == identity.identifier(dt.date(2022, 2, 28), "sources/a.txt")


@pytest.mark.parametrize(
    "source_id,line,expected",
    [
        pytest.param("r-1", 4, "c.jsonl#id=r-1", id="id-wins"),
        pytest.param(None, 4, "c.jsonl#line=4", id="line"),
        pytest.param(None, None, "c.jsonl", id="whole-file"),
    ],
)
def test_source_key(source_id, line, expected):
    assert identity.source_key("c.jsonl", source_id, line) == expected


def test_normalize_source_agrees_however_the_path_was_given(tmp_path, monkeypatch):
    (tmp_path / "sources").mkdir()
    monkeypatch.chdir(tmp_path / "sources")
    forms = ["a.txt", "./a.txt", str(tmp_path / "sources" / "a.txt"), "../sources/a.txt"]
    assert {identity.normalize_source(f, tmp_path) for f in forms} == {"sources/a.txt"}
    assert identity.normalize_source("/elsewhere/b.txt", tmp_path) == "/elsewhere/b.txt"
    assert os.sep not in identity.normalize_source("a.txt", tmp_path).replace("/", "")
