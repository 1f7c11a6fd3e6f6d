"""A function that fails in a fork of the test process and works in the process itself."""

from __future__ import annotations

import os


def break_in_forks(monkeypatch, module, name: str) -> list[int]:
    """Replace MODULE.NAME by a version that raises in any fork of this process; the returned
    list gets one item per call made in this process (where it does the real work)."""
    parent, real, calls = os.getpid(), getattr(module, name), []

    def fails_in_a_fork(*args, **kwargs):
        if os.getpid() != parent:
            raise RuntimeError("the fork breaks")
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, fails_in_a_fork)
    return calls
