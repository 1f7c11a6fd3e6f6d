"""Sample texts for the source-reading tests (original text about a fictional district)."""

from __future__ import annotations

from pathlib import Path

from bulletins.ingest.sources import read_source
from bulletins.models import Context, RawBulletin, SourceProblem
from support.shared import SEED

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sources"

SIMPLIFIED = (
    "3月14日，临江市青溪区区长周文澜主持召开区政府第6次常务会议，研究春季防汛和老旧小区改造工作。\n"
    "会议指出，要压实责任，细化措施，确保汛期群众生命财产安全。\n"
    "区领导许明远、韩素琴、陆承平参加。"
)
TRADITIONAL = (
    "3月14日,臨江市青溪區(qū)區(qū)長周文瀾主持召開區(qū)政府第6次常務會議,研究春季防汛和老舊小區(qū)改造工作。\n"
    "會議指出,要壓實責任,細化措施,確保汛期群眾生命財產安全。\n"
    "區(qū)領導許明遠、韓素琴、陸承平參加。"
)


def seed_text() -> str | None:
    """The seed bulletin's text, or None when ../shared is absent."""
    return SEED.read_text(encoding="utf-8") if SEED.exists() else None


def write_gzip_bomb(path, line_bytes: int, before: list[str] = (), after: list[str] = ()) -> int:
    """A .jsonl.gz whose line ``len(before) + 1`` is one record of LINE_BYTES bytes (compressing to
    almost nothing), between the lines BEFORE and AFTER; written in 1 MB pieces. Returns the file size."""
    import gzip

    piece = b"a" * (1 << 20)
    with gzip.open(path, "wb", compresslevel=1) as fh:
        for line in before:
            fh.write(line.encode() + b"\n")
        fh.write(b'{"text": "')
        left = line_bytes - 10
        while left > 0:
            fh.write(piece[: min(left, len(piece))])
            left -= len(piece)
        fh.write(b"\n")
        for line in after:
            fh.write(line.encode() + b"\n")
    return path.stat().st_size


def write(root: Path, rel: str, data: bytes | str) -> Path:
    """ROOT/REL holding DATA (text as UTF-8), folders made as needed."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def read_all(path: Path, context: Context | None = None, **opts) -> list[RawBulletin | SourceProblem]:
    """Everything ``read_source`` gives for PATH."""
    return list(read_source(path, context or Context(), **opts))
