"""Large blocks from their own pages: the C allocator's threshold for mapping a block apart, fixed.

CPython asks the C allocator (glibc's ``malloc`` on Linux) for every block over 512 bytes: the
tables of large dicts and sets, the arrays of long lists, long strings and bytes. glibc maps a
block of 128 KiB or more apart and gives it back to the system when it is freed, but it moves
that threshold up to the size of each such block freed (up to 32 MiB): after a build lets go of
its first large table, blocks of many megabytes come from the heap, and when they are freed
they leave holes between the blocks that live on, which the heap keeps. A build of 100,000
bulletins then held 51-106 MB of freed heap from its read to its end. ``mallopt(M_MMAP_THRESHOLD, n)``
fixes the threshold: with 256 KiB the same build's search index peaked 18 MB lower (622 MB
where 640), its read 9 MB (541 where 550), its manifest 19 MB (619 where 638), in no more time.

``BULLETINS_MMAP_THRESHOLD`` (bytes; 0 leaves the allocator as it is) is set when Pelican is
initialized; where the C library has no ``mallopt`` (not glibc) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging

from bulletins.site.config import Option, settings_check

logger = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3  # glibc's malloc.h
MOST = 32 * 1024 * 1024  # glibc's largest threshold on 64-bit systems (HEAP_MAX / 2)
OPTIONS = (
    Option(
        "BULLETINS_MMAP_THRESHOLD",
        256 * 1024,
        lambda v: type(v) is int and (v == 0 or 4096 <= v <= MOST),
        f"0, or a number of bytes from 4096 to {MOST}",
    ),
)
_checked = settings_check(OPTIONS)


def _mallopt():
    """glibc's ``mallopt``, or None where the C library has none."""
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").mallopt
    except (OSError, AttributeError):
        return None


def configure(pelican, mallopt=None) -> bool:
    """``initialized``: the threshold set from the settings; whether it was."""
    _checked(pelican)
    threshold = pelican.settings["BULLETINS_MMAP_THRESHOLD"]
    if not threshold:
        return False
    mallopt = mallopt or _mallopt()
    if mallopt is None:
        logger.debug("compact: no mallopt here; BULLETINS_MMAP_THRESHOLD left unused")
        return False
    return bool(mallopt(M_MMAP_THRESHOLD, threshold))
