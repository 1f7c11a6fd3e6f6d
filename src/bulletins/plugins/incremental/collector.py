"""Keeps Python's cycle collector off what a build holds to its end.

A build reads every article and then keeps it, with everything the generators derive from it
(list groups, citations, the gazette's statuses), until the last page is written. Python's
collector scans all tracked objects at each full collection, and full collections come about
every time the tracked objects grow by a quarter: at 100,000 articles, some twenty million
objects scanned again and again, a third of an unchanged rebuild's time, for nothing (none of
them is garbage). Once a generator has built its context, what it made is collected once and
moved out of the collector's sight (``gc.freeze``); the garbage made while pages are written is
still collected as usual. At the end of the build (an error included) everything is frozen, so
the interpreter's exit does not scan it all once more (7 s at 100,000 articles); the next build
in the same process (``--autoreload`` runs many) first hands it back to the collector, so each
build's objects are freed by the next one.
"""

from __future__ import annotations

import functools
import gc


def settle() -> None:
    """Collect what is garbage now, and keep every object left out of later collections."""
    gc.collect()
    gc.freeze()


def initialized(pelican) -> None:
    run = pelican.run

    @functools.wraps(run)
    def frozen_to_the_next(*args, **kwargs):
        gc.unfreeze()  # the last build's objects, if this process ran one (--autoreload)
        try:
            return run(*args, **kwargs)
        finally:
            gc.freeze()  # and the process's exit does not scan them all once more

    pelican.run = frozen_to_the_next


def generator_init(generator) -> None:
    generate_context = generator.generate_context

    @functools.wraps(generate_context)
    def settled(*args, **kwargs):
        result = generate_context(*args, **kwargs)
        settle()
        return result

    generator.generate_context = settled
