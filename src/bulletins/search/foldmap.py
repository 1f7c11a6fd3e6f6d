"""The Traditional -> Simplified character map the index and every query fold with.

Generated at build time from the dictionaries of the installed OpenCC (``opencc`` on PyPI),
dumped to text with the ``opencc_dict`` tool it ships:

* ``TSCharacters``: each Traditional character maps to its first Simplified candidate
  (``乾 -> 干``, ``裡 -> 里``);
* ``STCharacters``: every Traditional candidate of a Simplified character that is not mapped
  yet maps back to it (``覆 -> 复``), because OpenCC's phrase-level ``s2t`` picks those
  candidates by context (``饼干 -> 餅乾``, ``覆盖 -> 覆蓋``) and a query converted that way
  must fold to the same text as the Simplified original.

Only single characters map to single characters, so folding never shifts positions. Folding
merges a few characters that are distinct in Simplified (``覆``/``复``): a search for one finds
the other, never fewer results.
"""

from __future__ import annotations

import functools
import os
import subprocess
import tempfile
from pathlib import Path

import opencc

_CLIB = Path(opencc.__file__).resolve().parent / "clib"


class FoldMapError(RuntimeError):
    """OpenCC's dictionaries could not be read."""


def _read_dictionary(name: str) -> list[tuple[str, list[str]]]:
    """``(key, [candidates])`` rows of one OpenCC ``.ocd2`` dictionary."""
    source = _CLIB / "share" / "opencc" / f"{name}.ocd2"
    tool = _CLIB / "bin" / "opencc_dict"
    with tempfile.TemporaryDirectory() as tmp:
        target = Path(tmp) / f"{name}.txt"
        try:
            subprocess.run(
                [str(tool), "-i", str(source), "-o", str(target), "-f", "ocd2", "-t", "text"],
                check=True,
                capture_output=True,
                env={**os.environ, "LD_LIBRARY_PATH": str(_CLIB / "lib64")},
            )
        except (OSError, subprocess.CalledProcessError) as error:
            raise FoldMapError(f"cannot dump OpenCC dictionary {name}: {error}") from error
        rows = []
        for line in target.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if key and values:
                rows.append((key, values.split(" ")))
        return rows


def fold_pairs(ts_rows, st_rows) -> dict[str, str]:
    """The character map from the two dictionaries' rows (pure; see the module docstring)."""
    mapping: dict[str, str] = {}
    for trad, simps in ts_rows:
        if len(trad) == 1 and len(simps[0]) == 1 and simps[0] != trad:
            mapping[trad] = simps[0]
    for simp, trads in st_rows:
        if len(simp) != 1:
            continue
        for trad in trads:
            if len(trad) == 1 and trad != simp and trad not in mapping:
                mapping[trad] = simp
    return {trad: _resolve(mapping, simp) for trad, simp in mapping.items() if _resolve(mapping, simp) != trad}


def _resolve(mapping: dict[str, str], ch: str) -> str:
    """Follow chains (``a -> b -> c``) to their end, so folding twice changes nothing."""
    seen = {ch}
    while ch in mapping and mapping[ch] not in seen:
        ch = mapping[ch]
        seen.add(ch)
    return ch


@functools.lru_cache(maxsize=1)
def build_fold_map() -> dict[str, str]:
    """Traditional character -> Simplified character, from the installed OpenCC."""
    return fold_pairs(_read_dictionary("TSCharacters"), _read_dictionary("STCharacters"))
