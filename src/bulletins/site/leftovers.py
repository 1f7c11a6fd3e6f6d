"""What a killed build leaves behind, and its removal by the next build.

A build stopped by an exception removes its temporary files as it stops
(``output_files.removed_on_error``). A build killed outright (``kill -9``, the power, the
out-of-memory killer) runs no handler, so its temporaries stay:

- in the output, a page's or an index file's ``.NAME.tmp`` beside NAME. A later build that finds
  NAME already holding its bytes does not write it, so the temporary would stay for good: it
  would be published, and listed in the manifest. The manifest's walk, which visits every file
  of the output after the last write of a build, removes them (``is_output_temporary``).
- in the cache, the search index's spilled runs (``.search-runs-*`` folders: 35 MB each at
  100,000 bulletins), the articles read ahead by forks (``.NAME.part<i>-<pid>``: up to the
  whole article cache, 358 MB at 100,000) and the half-written cache files (``*.tmp``, the
  manifest's halves ``*.tmp.0``). A build removes them when it starts, holding the cache's
  lock, so that no other build can be writing them (``sweep_cache``).
"""

from __future__ import annotations

import os
import re
import shutil
from contextlib import suppress

SPILL_PREFIX = ".search-runs-"  # ``search.runs``: a folder of sorted runs spilled by one build
# ``incremental.preread``: a fork's share of the articles read ahead (``.NAME.part<i>-<pid>``)
_READ_AHEAD_PART = re.compile(r"\..+\.part\d+-\d+")


def is_output_temporary(name: str) -> bool:
    """NAME (a file's name) is one of the build's temporaries in the output: ``.NAME.tmp``."""
    return name.startswith(".") and name.endswith(".tmp") and len(name) > len("..tmp")


def is_cache_leftover(name: str, is_dir: bool) -> bool:
    """NAME, an entry of the cache folder, is something only a running build would hold."""
    if is_dir:
        return name.startswith(SPILL_PREFIX)
    return name.endswith(".tmp") or ".tmp." in name or _READ_AHEAD_PART.fullmatch(name) is not None


def sweep_cache(cache: str) -> list[str]:
    """Remove what killed builds left in the folder CACHE (its top level: every temporary of
    a build is made there); the names removed, sorted."""
    try:
        entries = list(os.scandir(cache))
    except OSError:
        return []
    removed = []
    for entry in entries:
        is_dir = entry.is_dir(follow_symlinks=False)
        if not is_cache_leftover(entry.name, is_dir):
            continue
        with suppress(OSError):
            if is_dir:
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
    return sorted(removed)
