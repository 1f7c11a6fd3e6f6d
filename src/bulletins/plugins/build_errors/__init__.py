"""A build the machine stops (a full disk, a read-only or forbidden folder) ends with one line
that says so, where, and what to do (``bulletins.site.failures``), not Pelican's traceback.

Pelican's command logs whatever ends a build as a critical record with its traceback and exits
with 1. A filter on its logger rewrites only those records whose error ``failures.explain``
knows: the exit status stays 1, and every other error keeps its traceback. A build stopped by
Ctrl-C says so and exits with 130, where Pelican's command exits with 0 (``interrupt``). Two
builds on one cache folder take turns (``buildlock``).
"""

from pelican import signals

from bulletins.plugins.build_errors import buildlock, interrupt, logfilter


def register():
    signals.initialized.connect(logfilter.initialized)
    signals.initialized.connect(interrupt.initialized)
    signals.initialized.connect(buildlock.initialized)
