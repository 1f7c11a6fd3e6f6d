"""A build stopped by Ctrl-C ends with exit status 130, not 0.

Pelican's command catches the interrupt, logs "Keyboard interrupt received. Exiting." and
returns, so the process exits with 0: a script that runs ``./run build && rsync ...`` would then
publish a site the build never finished. ``initialized`` wraps the Pelican object's ``run`` so an
interrupt inside it says one line and leaves with 130 (128 + SIGINT, as a shell reports it).
"""

from __future__ import annotations

import functools
import logging

logger = logging.getLogger("pelican")

INTERRUPTED = 130
SAID = (
    "The build stopped: interrupted. What was written is kept, and the next build finishes the "
    "rest (the pages it was writing are rendered again)."
)


def initialized(pelican) -> None:
    pelican.run = _stopping_run(pelican.run)


def _stopping_run(run):
    @functools.wraps(run)
    def wrapper(*args, **kwargs):
        try:
            return run(*args, **kwargs)
        except KeyboardInterrupt:
            logger.warning(SAID)
            raise SystemExit(INTERRUPTED) from None

    return wrapper
