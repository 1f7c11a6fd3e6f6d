"""BULLETINS_* settings: defaults filled in, bad values stop the build with one clear line."""

from __future__ import annotations

import pytest

from bulletins.plugins.list_pages.generator import OPTIONS as ENTITY_OPTIONS
from bulletins.plugins.raw_source.generator import OPTIONS as RAW_OPTIONS
from bulletins.plugins.site_meta.generator import OPTIONS as META_OPTIONS
from bulletins.site.config import SettingsError, configure
from support.site_build import build_fixture_site

ALL = ENTITY_OPTIONS + RAW_OPTIONS + META_OPTIONS


def test_defaults_are_valid_and_filled_in():
    settings = {}
    configure(settings, ALL)
    assert settings["BULLETINS_PERSON_URL"] == "persons/{slug}.html"
    assert settings["BULLETINS_PUBLIC_URL"] == ""
    assert settings["BULLETINS_SOURCE_ROOTS"] == ["sources"] and settings["BULLETINS_BASE_DIR"] == ""


@pytest.mark.parametrize(
    "name, value",
    [
        pytest.param("BULLETINS_PERSON_URL", "persons/{slug}/", id="folder-url-breaks-file-scheme"),
        pytest.param("BULLETINS_PERSON_URL", "persons/index.html", id="no-slug-field"),
        pytest.param("BULLETINS_DOCUMENT_URL", "/documents/{slug}.html", id="root-absolute"),
        pytest.param("BULLETINS_MONTH_URL", "bulletins/{year}.html", id="month-missing"),
        pytest.param("BULLETINS_PUBLIC_URL", "example.org", id="public-url-without-scheme"),
        pytest.param("BULLETINS_RAW_DIR", "../raw", id="raw-dir-outside-output"),
        pytest.param("BULLETINS_SOURCE_ROOT", 3, id="not-a-string"),
        pytest.param("BULLETINS_SOURCE_ROOTS", "sources", id="roots-a-string-not-a-list"),
        pytest.param("BULLETINS_SOURCE_ROOTS", ["sources", ""], id="roots-with-an-empty-name"),
        pytest.param("BULLETINS_SOURCE_ROOTS", [None], id="roots-not-strings"),
        pytest.param("BULLETINS_BASE_DIR", "relative/folder", id="base-dir-relative"),
    ],
)
def test_bad_value_is_named(name, value):
    with pytest.raises(SettingsError, match=name):
        configure({name: value}, ALL)


def test_bad_value_stops_the_build(tmp_path):
    with pytest.raises(SystemExit) as stop:
        build_fixture_site(tmp_path / "out", BULLETINS_PERSON_URL="persons/{name}.html")
    message = str(stop.value)
    assert "BULLETINS_PERSON_URL" in message and "{slug}" in message
    assert not (tmp_path / "out" / "index.html").exists()
