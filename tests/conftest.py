"""Test-run-wide setup.

Built sites (``support.sites``: the sample, hostile and corpus archives) are built once per
test run. In one process ``functools.cache`` does that; under pytest-xdist (``./run test``
runs two workers) the controller points every worker at one folder for the run
(``BULLETINS_TEST_SITES``), where a file lock lets the first worker build a site and the
others reuse it. The folder is removed when the run ends; a ``BULLETINS_TEST_SITES`` the
user set is left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile

import pytest

SITES = "BULLETINS_TEST_SITES"


def _is_xdist_controller(config) -> bool:
    return not hasattr(config, "workerinput") and bool(getattr(config.option, "numprocesses", None))


def pytest_configure(config):
    if _is_xdist_controller(config) and not os.environ.get(SITES):
        folder = tempfile.mkdtemp(prefix="bulletins-test-sites-")
        os.environ[SITES] = folder  # inherited by the workers, which start after this hook
        config._bulletins_sites = folder


def pytest_unconfigure(config):
    folder = getattr(config, "_bulletins_sites", None)
    if folder:
        shutil.rmtree(folder, ignore_errors=True)
        os.environ.pop(SITES, None)


# The longest modules start first, so under ``--dist loadscope`` the two workers share the rest
# and finish together: the full-corpus site (one worker builds it, minutes), the corpus-wide
# search recall, the hostile-input campaign. The other modules that read the full-corpus site
# go last, when it is built, so no worker sits waiting on its lock.
HEAVY_FIRST = (
    "test_corpus_site.py",
    "test_search_recall.py",
    "test_hostile_campaign.py",
)
CORPUS_SITE_LAST = (
    "test_html_valid.py",
    "test_corpus_ingest.py",
    "test_open_data.py",
)


def _rank(name: str) -> int:
    if name in HEAVY_FIRST:
        return HEAVY_FIRST.index(name)
    if name in CORPUS_SITE_LAST:
        return len(HEAVY_FIRST) + 1 + CORPUS_SITE_LAST.index(name)
    return len(HEAVY_FIRST)


def pytest_collection_modifyitems(config, items):
    items.sort(key=lambda item: _rank(item.path.name))  # stable: modules stay whole


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium (Debian's, through Playwright) per test module; skips when absent."""
    from support.browser import launch

    with launch() as chromium:
        yield chromium
