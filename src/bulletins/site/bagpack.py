"""A built site as a zipped BagIt bag (RFC 8493) for hand-out: ``NAME.zip`` holds ``NAME/``
with ``bagit.txt``, ``bag-info.txt``, the SHA-256 manifests and the site under ``data/``.

``bag_info`` is pure; ``pack`` copies the site to a temporary folder beside the zip, bags the
copy with the ``bagit`` library and zips it. The site itself is never moved or changed.

The temporary folder is named with the packing process's id (``.bag-<pid>-…``): a pack killed
outright (``kill -9``, the power) leaves its copy of the whole site there, and the next pack into
that folder removes every such copy whose process is gone (``stale_copies``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import tempfile
from pathlib import Path

from bulletins.site.fixity import MANIFEST

logger = logging.getLogger(__name__)


def bag_info(publisher: str, sitename: str, built: dt.datetime) -> dict[str, str]:
    """The bag-info.txt fields (bagit adds Bagging-Date, Payload-Oxum and Bag-Software-Agent)."""
    return {
        "Source-Organization": publisher,
        "External-Description": f"{sitename}：静态公报档案，打开 data/index.html 即可离线浏览",
        "Build-Date": built.isoformat(timespec="seconds").replace("+00:00", "Z"),
    }


def build_time(site: Path) -> dt.datetime:
    """When SITE was last built (UTC): when its manifest (written last) or its newest file changed."""
    manifest = site / MANIFEST
    if manifest.is_file():
        stamp = manifest.stat().st_mtime
    else:
        stamp = max((p.stat().st_mtime for p in site.rglob("*") if p.is_file()), default=0.0)
    return dt.datetime.fromtimestamp(int(stamp), tz=dt.UTC)


def pack(site: Path, zip_path: Path, info: dict[str, str]) -> Path:
    """Bag a copy of SITE with INFO and zip it to ZIP_PATH (``<name>.zip`` holding ``<name>/``)."""
    import bagit

    if not site.is_dir():
        raise FileNotFoundError(f"{site}: no such folder (build the site first)")
    name = zip_path.name.removesuffix(".zip")
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    for stale in stale_copies(zip_path.parent):
        logger.info("pack: removing %s, left by a pack that was stopped", stale)
        shutil.rmtree(stale, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix=f"{COPY_PREFIX}{os.getpid()}-", dir=zip_path.parent) as tmp:
        bag_dir = Path(tmp) / name
        try:
            shutil.copytree(site, bag_dir, copy_function=_copy_or_stop)
        except _Stopped as stopped:
            raise stopped.error from None
        bagit.make_bag(str(bag_dir), bag_info=info, checksums=["sha256"])
        archive = shutil.make_archive(str(Path(tmp) / name), "zip", root_dir=tmp, base_dir=name)
        Path(archive).replace(zip_path)
    logger.info("pack: %s (%.1f MB)", zip_path, zip_path.stat().st_size / 1e6)
    return zip_path


COPY_PREFIX = ".bag-"


def stale_copies(folder: Path) -> list[Path]:
    """The temporary folders in FOLDER of packs whose process has ended (sorted)."""
    found = []
    for path in folder.glob(f"{COPY_PREFIX}*-*"):
        pid = path.name[len(COPY_PREFIX) :].split("-", 1)[0]
        if path.is_dir() and pid.isdigit() and not _running(int(pid)):
            found.append(path)
    return sorted(found)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # someone else's process: running
        return True
    return True


class _Stopped(Exception):
    """A file's copy error carried out of ``shutil.copytree``, which would gather every file's
    error and go on (on a full disk: one error per file of the site, as one message)."""

    def __init__(self, error: OSError):
        super().__init__(error)
        self.error = error


def _copy_or_stop(source: str, target: str) -> str:
    try:
        return shutil.copy2(source, target)
    except OSError as error:
        raise _Stopped(error) from error
