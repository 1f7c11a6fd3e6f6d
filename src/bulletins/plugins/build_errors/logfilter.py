"""The filter on Pelican's logger that says a machine error in one line (``failures.explain``)."""

from __future__ import annotations

import logging

from bulletins.site import failures

_FILTER: MachineErrors | None = None


class MachineErrors(logging.Filter):
    """Rewrites a critical record whose error the machine caused into ``failures.explain``'s line."""

    def __init__(self):
        super().__init__()
        self.folders: dict[str, str] = {}

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info and record.levelno >= logging.CRITICAL else None
        line = failures.explain(error, self.folders) if error is not None else None
        if line is not None:
            record.msg, record.args = "%s", (line,)
            record.exc_info = record.exc_text = None
        return True


def initialized(pelican) -> None:
    """One filter on Pelican's logger however many builds this process runs, naming this
    build's output and cache folders."""
    global _FILTER
    if _FILTER is None:
        _FILTER = MachineErrors()
        logging.getLogger("pelican").addFilter(_FILTER)
    _FILTER.folders = {"output": pelican.settings["OUTPUT_PATH"], "cache": pelican.settings["CACHE_PATH"]}
