"""Per-folder defaults: a ``defaults.toml`` beside the sources it describes.

    # sources/qingxi-2023/defaults.toml
    year = 2023
    publisher = "临江市青溪区人民政府"
    region = "临江市青溪区"
    category = "常务会议"      # optional
    issue = "2025年第3期"      # optional: the gazette issue (期) of the bulletins below
    script = "simplified"      # optional: simplified | traditional | keep

Keys are exactly ``year``, ``publisher``, ``region``, ``category``, ``script`` and ``issue``; anything
else (a typo like ``yaer``) makes the file invalid rather than silently ignored. A file
applies to its folder and every folder below it; a nearer file overrides a farther one key
by key. A folder named like a year (``2023``, ``qingxi-2023``, ``2023年``) supplies the year
when no defaults file does.
"""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path

from bulletins.ingest.gazette import parse_issue
from bulletins.models import SCRIPTS

__all__ = ["DEFAULTS_NAME", "DefaultsError", "defaults_files", "folder_defaults", "load_defaults", "year_from_path"]

DEFAULTS_NAME = "defaults.toml"
_STRING_KEYS = ("publisher", "region", "category", "script", "issue")
_KEYS = ("year", *_STRING_KEYS)
_YEAR_IN_NAME = re.compile(r"(?<![0-9])(19[5-9][0-9]|20[0-9]{2})(?![0-9])")


class DefaultsError(ValueError):
    """An invalid defaults file; ``str()`` names the file and the problem."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def load_defaults(path: Path) -> dict[str, object]:
    """The validated keys of one defaults file; raise DefaultsError when it is invalid."""
    try:
        with path.open("rb") as fh:
            data = tomllib.load(fh)
    except tomllib.TOMLDecodeError as error:
        raise DefaultsError(path.as_posix(), f"invalid TOML: {error}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise DefaultsError(path.as_posix(), f"cannot read: {error}") from None
    return validate(data, path.as_posix())


def validate(data: Mapping[str, object], where: str) -> dict[str, object]:
    """Check the keys and value types of a parsed defaults table."""
    unknown = sorted(set(data) - set(_KEYS))
    if unknown:
        raise DefaultsError(where, f"unknown key(s) {', '.join(unknown)} (allowed: {', '.join(_KEYS)})")
    values: dict[str, object] = {}
    if "year" in data:
        year = data["year"]
        if isinstance(year, bool) or not isinstance(year, int) or not 1900 <= year <= 2100:
            raise DefaultsError(where, f"year must be a whole number like 2023, not {year!r}")
        values["year"] = year
    for key in _STRING_KEYS:
        if key in data:
            value = data[key]
            if not isinstance(value, str) or not value.strip():
                raise DefaultsError(where, f"{key} must be a non-empty string, not {value!r}")
            values[key] = value.strip()
    if "issue" in values and parse_issue(values["issue"]) is None:
        raise DefaultsError(where, f"issue must be a gazette issue like 2025年第3期, not {values['issue']!r}")
    if "script" in values and values["script"] not in SCRIPTS:
        raise DefaultsError(where, f"script must be one of {', '.join(SCRIPTS)}, not {values['script']!r}")
    return values


def defaults_files(folder: Path) -> list[Path]:
    """Existing defaults files that apply to the files in FOLDER, nearest first."""
    folder = folder.resolve()
    return [d / DEFAULTS_NAME for d in (folder, *folder.parents) if (d / DEFAULTS_NAME).is_file()]


@functools.lru_cache(maxsize=1024)
def _cached_load(path: Path, mtime_ns: int) -> dict[str, object] | DefaultsError:
    try:
        return load_defaults(path)
    except DefaultsError as error:
        return error


def folder_defaults(folder: Path) -> tuple[dict[str, object], list[DefaultsError]]:
    """Merged defaults for the files in FOLDER (nearest wins key by key) and the invalid files met.

    An invalid file contributes nothing; its error is returned so a caller can report it.
    """
    merged: dict[str, object] = {}
    errors: list[DefaultsError] = []
    for file in reversed(defaults_files(folder)):
        loaded = _cached_load(file, file.stat().st_mtime_ns)
        if isinstance(loaded, DefaultsError):
            errors.append(loaded)
        else:
            merged.update(loaded)
    return merged, errors


def year_from_path(path: Path) -> int | None:
    """The year named by the nearest folder of PATH that has one (``2023``, ``qingxi-2023``)."""
    for part in reversed(Path(path).parts[:-1]):
        found = _YEAR_IN_NAME.findall(part)
        if len(found) == 1:
            return int(found[0])
    return None
