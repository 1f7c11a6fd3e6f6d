"""``BULLETINS_*`` settings: defaults declared by each plugin, validated once per build."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass


class SettingsError(ValueError):
    """A ``BULLETINS_*`` setting has a value the plugins cannot use."""


@dataclass(frozen=True)
class Option:
    name: str
    default: object
    check: Callable[[object], bool]
    expect: str  # what a valid value looks like, for the error message


def url_pattern(*fields: str) -> Callable[[object], bool]:
    """A relative ``.html`` URL pattern naming every one of FIELDS, e.g. ``persons/{slug}.html``."""

    def check(value: object) -> bool:
        return (
            isinstance(value, str)
            and value.endswith(".html")
            and not value.startswith(("/", "http:", "https:"))
            and all("{" + f in value for f in fields)
        )

    return check


def is_str(value: object) -> bool:
    return isinstance(value, str)


def is_public_url(value: object) -> bool:
    return isinstance(value, str) and (value == "" or value.startswith(("http://", "https://")))


def is_relative_path(value: object) -> bool:
    return isinstance(value, str) and bool(value) and not value.startswith("/") and ".." not in value


def is_base_dir(value: object) -> bool:
    """'' (the working folder) or an absolute folder."""
    return isinstance(value, str) and (value == "" or value.startswith("/"))


def is_folder_list(value: object) -> bool:
    """A list (or tuple) of folder names, each a non-empty string."""
    return isinstance(value, (list, tuple)) and all(isinstance(v, str) and v.strip() for v in value)


def configure(settings: MutableMapping, options: Sequence[Option]) -> None:
    """Fill in missing options with their defaults, then check every value.

    Raises SettingsError naming the first bad setting, its value and what was expected.
    """
    for option in options:
        settings.setdefault(option.name, option.default)
        value = settings[option.name]
        if not option.check(value):
            raise SettingsError(f"{option.name} = {value!r} is not valid: expected {option.expect}")


def settings_check(options: Sequence[Option]) -> Callable[[object], None]:
    """A handler for Pelican's ``initialized`` signal: default and validate OPTIONS once.

    A bad value stops the build with one line (``CRITICAL: BULLETINS_X = ... is not valid``)
    rather than a traceback.
    """

    def check(pelican) -> None:
        try:
            configure(pelican.settings, options)
        except SettingsError as error:
            raise SystemExit(f"CRITICAL: {error}") from None

    return check
