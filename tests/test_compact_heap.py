"""The C allocator's threshold for mapping large blocks apart, set from the settings when
Pelican is initialized (``compact/heap.py``): called as glibc's ``mallopt`` wants it, left
alone with 0, a bad value one clear line, and a C library without ``mallopt`` no error."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bulletins.plugins.compact import heap


def pelican_with(**settings):
    return SimpleNamespace(settings=dict(settings))


@pytest.mark.parametrize(
    ("given", "called"),
    [({}, [(-3, 262144)]), ({"BULLETINS_MMAP_THRESHOLD": 4096}, [(-3, 4096)]), ({"BULLETINS_MMAP_THRESHOLD": 0}, [])],
)
def test_the_threshold_is_set_as_the_settings_say(given, called):
    calls = []
    pelican = pelican_with(**given)
    done = heap.configure(pelican, mallopt=lambda option, value: calls.append((option, value)) or 1)
    assert calls == called and done is bool(called)
    assert "BULLETINS_MMAP_THRESHOLD" in pelican.settings  # defaulted for the other plugins to read


@pytest.mark.parametrize("value", [-1, 1, 4095, 32 * 1024 * 1024 + 1, True, 262144.0, "262144", None])
def test_a_bad_threshold_stops_the_build_with_one_line(value):
    with pytest.raises(SystemExit, match="CRITICAL: BULLETINS_MMAP_THRESHOLD"):
        heap.configure(pelican_with(BULLETINS_MMAP_THRESHOLD=value), mallopt=lambda *a: 1)


def test_a_c_library_without_mallopt_leaves_the_allocator_alone(monkeypatch):
    monkeypatch.setattr(heap, "_mallopt", lambda: None)
    assert heap.configure(pelican_with()) is False


def test_a_refused_threshold_is_reported_as_not_set():
    assert heap.configure(pelican_with(), mallopt=lambda *a: 0) is False


def test_glibc_here_takes_the_threshold():
    """On this system's C library (glibc on Linux), the real call is accepted."""
    mallopt = heap._mallopt()
    if mallopt is None:
        pytest.skip("this C library has no mallopt (not glibc)")
    assert heap.configure(pelican_with()) is True
