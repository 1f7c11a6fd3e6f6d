"""Open data of the archive: every bulletin as a row, written as JSON Lines, CSV and SQLite.

``row_plan`` orders the rows (by date, then URL) and names them from what little each needs
(``RowHead``: no text), so a build makes ``row_values`` one article at a time and
``write_row_files`` writes each row to the JSONL and CSV files as it comes: no build holds the
text of every bulletin at once. ``table_rows``, ``render_jsonl`` and ``render_csv`` give the same
bytes for a whole table at once (pure). ``bulletins.site.opendata_sqlite`` builds
``bulletins.sqlite`` from the JSONL file (``JsonlRows``).

Every file is compared with what is on disk before it replaces it: a rebuild where nothing
changed leaves the files' bytes and mtimes as they were.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bulletins.ingest.relations import KINDS, parse_references
from bulletins.site import written
from bulletins.site.entities import document_roles, person_roles
from bulletins.site.output_files import removed_on_error, replace_if_changed

JSONL = "bulletins.jsonl"
CSV = "bulletins.csv"
SQLITE = "bulletins.sqlite"

# Header fields (Pelican's lowercased keys) -> column names, in the order of the README's table.
HEADER_COLUMNS = {
    "identifier": "identifier",
    "title": "title",
    "date": "date",
    "category": "category",
    "tags": "tags",
    "summary": "summary",
    "slug": "slug",
    "publisher": "publisher",
    "region": "region",
    "docnumber": "doc_number",
    "presider": "presider",
    "people": "people",
    "documents": "documents",
    "source": "source",
    "sourcehash": "source_hash",
    "sourceid": "source_id",
    "sourceline": "source_line",
    "sourceurl": "source_url",
    "dateprecision": "date_precision",
    "datesource": "date_source",
    "titlesource": "title_source",
    "checksum": "checksum",
}
# Keys Pelican or our plugins add to an article's metadata that are not header fields.
NOT_HEADER = frozenset({"url", "save_as", "text", "id", "reader", "template", "status", "lang"})

# What each column holds, for the data page (and anyone reading the files).
COLUMN_NOTES = {
    "id": "行标识：索引号（Identifier），没有或重复时为页面地址",
    "url": "公报页面相对站点根目录的地址",
    "identifier": "索引号",
    "title": "名称（标题）",
    "date": "生成日期，YYYY-MM-DD",
    "category": "主题分类",
    "tags": "主题词，以“, ”分隔",
    "summary": "内容概述",
    "slug": "页面文件名",
    "publisher": "发布机构",
    "region": "地区",
    "doc_number": "文号",
    "presider": "主持人",
    "people": "参加人员，以“, ”分隔",
    "documents": "引用文件，如《甲规划》《乙方案》",
    "source": "原始文件（相对项目目录）",
    "source_hash": "原始文件字节的 SHA-256",
    "source_id": "合集记录的 id",
    "source_line": "合集记录所在行",
    "source_url": "记录的原始网址",
    "date_precision": "日期精度",
    "date_source": "日期来源",
    "title_source": "标题来源：source 或 generated",
    "checksum": "文章文本的校验和（用于识别手工修改）",
    "text": "正文纯文本，每段一行",
}


@dataclass(frozen=True)
class Bulletin:
    """One article as the open data sees it: header fields (column -> text) and body text."""

    url: str
    fields: Mapping[str, str]
    text: str


def column_name(key: str) -> str:
    """A header key as Pelican gives it (lowercased) -> the column name."""
    return HEADER_COLUMNS.get(key, key)


def is_header_key(key: str) -> bool:
    return key not in NOT_HEADER and not key.startswith("_")


_HEADER_NAMES: dict[tuple[str, ...], tuple[str, ...]] = {}  # ``header_names``'s answers
HEADER_NAMES_HELD = 4_096  # key tuples remembered at most (an archive has a few dozen)


def header_names(keys: tuple[str, ...]) -> tuple[str, ...]:
    """The column names of the header keys among KEYS (an article's metadata keys, in order).
    Articles share a few key tuples, so each is worked out once: at 100,000 articles, a
    rebuild's open data fork called ``is_header_key`` and ``column_name`` two million times
    each to plan rows that had not changed."""
    names = _HEADER_NAMES.get(keys)
    if names is None:
        if len(_HEADER_NAMES) >= HEADER_NAMES_HELD:
            _HEADER_NAMES.clear()
        names = _HEADER_NAMES[keys] = tuple(column_name(key) for key in keys if is_header_key(key))
    return names


def column_list(names: Iterable[str]) -> list[str]:
    """``id``, ``url``, the known header fields, any other of NAMES (sorted), ``text``."""
    known = list(HEADER_COLUMNS.values())
    extra = sorted(set(names) - set(known) - {"id", "url", "text"})
    return ["id", "url", *known, *extra, "text"]


def columns(bulletins: Iterable[Bulletin]) -> list[str]:
    """``id``, ``url``, the known header fields, any other header field (sorted), ``text``."""
    return column_list({name for b in bulletins for name in b.fields})


def sort_key(bulletin: Bulletin) -> tuple[str, str]:
    return (bulletin.fields.get("date", ""), bulletin.url)


def row_ids(identified: Sequence[tuple[str, str]]) -> list[str]:
    """Each ``(identifier, url)``'s row id: the identifier, or the URL when there is none or it is shared."""
    counts = Counter(ident for ident, _ in identified)
    return [ident if ident and counts[ident] == 1 else url for ident, url in identified]


def assign_ids(bulletins: Sequence[Bulletin]) -> list[str]:
    """Each bulletin's row id: its identifier, or its URL when it has none or shares it."""
    return row_ids([(b.fields.get("identifier", ""), b.url) for b in bulletins])


@dataclass(frozen=True)
class RowHead:
    """What the order, the ids and the columns need of a bulletin: no text."""

    date: str
    url: str
    identifier: str
    names: Iterable[str]  # its header columns


def row_plan(heads: Iterable[RowHead]) -> tuple[list[str], list[tuple[int, str]]]:
    """The columns and, in row order (date, then URL), ``(index of the head, row id)``: rows can
    then be made one at a time, in order, from anything indexed like HEADS."""
    names: set[str] = set()
    keys = []
    for index, head in enumerate(heads):
        names.update(head.names)
        keys.append((head.date, head.url, head.identifier, index))
    keys.sort(key=lambda k: (k[0], k[1]))  # stable, as sorted() over the bulletins was
    ids = row_ids([(ident, url) for _, url, ident, _ in keys])
    return column_list(names), [(k[3], row_id) for k, row_id in zip(keys, ids)]


def row_values(cols: Sequence[str], row_id: str, bulletin: Bulletin) -> dict[str, str]:
    """One row: every column of COLS, missing fields ``""``."""
    values = {"id": row_id, "url": bulletin.url, **bulletin.fields, "text": bulletin.text}
    return {c: values.get(c, "") for c in cols}


def table_rows(bulletins: Iterable[Bulletin]) -> tuple[list[str], list[dict[str, str]]]:
    """Sorted rows, every one with every column (missing fields are ``""``)."""
    ordered = sorted(bulletins, key=sort_key)
    cols = columns(ordered)
    return cols, [row_values(cols, row_id, b) for row_id, b in zip(assign_ids(ordered), ordered)]


def jsonl_line(row: Mapping[str, str]) -> bytes:
    """One JSON object (keys in column order, unescaped), UTF-8, ending in a line break."""
    return (json.dumps(row, ensure_ascii=False) + "\n").encode("utf-8")


def jsonl_lines(rows: Iterable[Mapping[str, str]]) -> list[bytes]:
    """One JSON object per row (keys in column order, unescaped), UTF-8, each ending in a line break."""
    return [jsonl_line(row) for row in rows]


def line_digest(line: bytes) -> str:
    return hashlib.blake2b(line, digest_size=12).hexdigest()


def render_jsonl(rows: Iterable[Mapping[str, str]]) -> bytes:
    """One JSON object per line, keys in column order, UTF-8 unescaped."""
    return b"".join(jsonl_lines(rows))


def row_digests(rows: Sequence[Mapping[str, str]], lines: Sequence[bytes]) -> dict[str, str]:
    """``{row id: digest of its JSONL line}``: what a rebuild compares to find the changed rows."""
    return {row["id"]: line_digest(line) for row, line in zip(rows, lines)}


def render_csv(cols: Sequence[str], rows: Iterable[Mapping[str, str]]) -> bytes:
    """RFC 4180 CSV with a header row, CRLF line ends, UTF-8 with a BOM (so spreadsheet
    programs read the Chinese text right)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(cols)
    writer.writerows([row.get(c, "") for c in cols] for row in rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def iter_people_rows(rows: Iterable[Mapping[str, str]]) -> Iterator[dict[str, str]]:
    """``(name, role, bulletin)`` for the presider and every attendee of each bulletin."""
    for row in rows:
        for name, role in person_roles(row.get("presider"), row.get("people")):
            yield {"name": name, "role": role, "bulletin": row["id"]}


def iter_document_rows(rows: Iterable[Mapping[str, str]]) -> Iterator[dict[str, str]]:
    """``(title, bulletin)`` for each distinct 《》 title a bulletin cites."""
    for row in rows:
        for title, _ in document_roles(row.get("documents")):
            yield {"title": title, "bulletin": row["id"]}


def iter_relation_rows(rows: Iterable[Mapping[str, str]]) -> Iterator[dict[str, str]]:
    """``(bulletin, relation, title, doc_number)`` for each document a bulletin's header says it
    repeals, amends or interprets (``Repeals``/``Amends``/``Interprets``; title without 《》)."""
    for row in rows:
        for kind in KINDS:
            for ref in parse_references(row.get(kind), kind):
                yield {"bulletin": row["id"], "relation": kind, "title": ref.title, "doc_number": ref.doc_number}


def people_rows(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    return list(iter_people_rows(rows))


def document_rows(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    return list(iter_document_rows(rows))


def relation_rows(rows: Iterable[Mapping[str, str]]) -> list[dict[str, str]]:
    return list(iter_relation_rows(rows))


@dataclass(frozen=True)
class RowBytes:
    """One row as the files hold it: its JSONL line, its CSV record, the line's digest."""

    row_id: str
    jsonl: bytes
    csv: bytes
    digest: str


def csv_header(cols: Sequence[str]) -> bytes:
    """The CSV file up to its first row: the BOM and the header record."""
    return ("\ufeff" + csv_text(cols)).encode("utf-8")


def csv_text(values: Sequence[str]) -> str:
    out = io.StringIO(newline="")
    csv.writer(out, lineterminator="\r\n").writerow(values)
    return out.getvalue()


def row_bytes(cols: Sequence[str], row: Mapping[str, str]) -> RowBytes:
    """ROW (every column of COLS) as its JSONL line and CSV record."""
    line = jsonl_line(row)
    record = csv_text([row.get(c, "") for c in cols]).encode("utf-8")
    return RowBytes(row["id"], line, record, line_digest(line))


def write_row_files(folder: Path, cols: Sequence[str], rows: Iterable[Mapping[str, str]]) -> tuple[dict, dict, int]:
    """Stream ROWS (made one at a time, in order) into FOLDER's JSONL and CSV files, each row
    written as it comes and then let go; a file whose bytes did not change is left as it was.
    ``({name: written?}, {row id: digest of its JSONL line}, number of rows)``."""
    replaced, digests, _, count = write_row_bytes(folder, cols, (row_bytes(cols, row) for row in rows))
    return replaced, digests, count


def write_row_bytes(folder: Path, cols: Sequence[str], rows: Iterable, old=None) -> tuple[dict, dict, dict, int]:
    """``write_row_files`` for rows already made into bytes (``RowBytes``), or taken again from
    the last build's files by place (``opendata_reuse.OldSpan``, copied from OLD, its
    ``OldRows``): ``({name: written?}, {row id: line digest}, {row id: [line size, record
    size]}, number of rows)``."""
    folder.mkdir(parents=True, exist_ok=True)
    temps = {name: folder / f".{name}.tmp" for name in (JSONL, CSV)}
    digests: dict[str, str] = {}
    sizes: dict[str, list[int]] = {}
    count = 0
    with removed_on_error(*temps.values()):
        with temps[JSONL].open("wb") as jsonl, temps[CSV].open("wb") as table:
            table.write(csv_header(cols))
            copy = old.copier(jsonl, table) if old is not None else None
            for row in rows:
                if type(row) is RowBytes:
                    if copy is not None:
                        copy.flush()
                    jsonl.write(row.jsonl)
                    table.write(row.csv)
                    sizes[row.row_id] = [len(row.jsonl), len(row.csv)]
                else:
                    copy.add(row)
                    sizes[row.row_id] = [row.jsonl_size, row.csv_size]
                digests[row.row_id] = row.digest
                count += 1
            if copy is not None:
                copy.flush()
        # for the manifest, read back while the kernel holds them (copied ranges never pass here)
        noted = {name: written.file_digest(tmp) for name, tmp in temps.items()} if written.active() else {}
    replaced = {name: replace_if_changed(tmp, folder / name) for name, tmp in temps.items()}
    for name, (size, digest) in noted.items():  # the file holds these bytes now, replaced or not
        written.note_digest(folder / name, size, digest)
    return replaced, digests, sizes, count
