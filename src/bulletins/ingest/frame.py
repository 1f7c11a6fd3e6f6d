"""The parts of an official document's (公文) frame in the article header and in ``inspect --json``.

Written only when non-empty, cleaned like every header value (``frontmatter.clean_text``), and
read back by ``metadata_values``. ``Original`` names the file that ships with the site as the
record (a .docx, .pdf, .ofd...): it follows from ``Source`` and ``Format``.
"""

from __future__ import annotations

import datetime as dt

from bulletins.models import Article, Metadata, quote_path, split_names

DATE_WRITTEN = "date-written"  # DateSource of a date that is the 成文日期
ORIGINAL_FORMATS = ("docx", "pdf", "ofd", "doc", "wps")  # the file is the record: it ships with the site
FIELDS = (
    "DateWritten",
    "Signer",
    "Recipients",
    "Attachments",
    "Note",
    "CopyTo",
    "PrintedBy",
    "DatePrinted",
    "Format",
    "Original",
)


def _date(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


def header_values(article: Article) -> dict[str, str]:
    """The header fields of a 公文 and of the source's format, in FIELDS order (values not yet cleaned)."""
    m = article.metadata
    names = (name.replace(",", "，") for name in m.attachments)
    return {
        "DateWritten": _date(m.date_written),
        "Signer": m.signer,
        "Recipients": m.recipients,
        "Attachments": ", ".join(name for name in names if name.strip()),
        "Note": m.note,
        "CopyTo": m.copy_to,
        "PrintedBy": m.printed_by,
        "DatePrinted": _date(m.date_printed),
        "Format": m.format,
        "Original": quote_path(article.source) if m.format in ORIGINAL_FORMATS else "",
    }


def _read_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "")[:10]) if value else None
    except ValueError:
        return None


def metadata_values(header: dict[str, str]) -> dict[str, object]:
    """The inverse of ``header_values``: Metadata fields from a header (``Original`` follows from the rest)."""
    return {
        "date_written": _read_date(header.get("DateWritten")),
        "signer": header.get("Signer", ""),
        "recipients": header.get("Recipients", ""),
        "attachments": split_names(header.get("Attachments")),
        "note": header.get("Note", ""),
        "copy_to": header.get("CopyTo", ""),
        "printed_by": header.get("PrintedBy", ""),
        "date_printed": _read_date(header.get("DatePrinted")),
        "format": header.get("Format", ""),
    }


def record_values(metadata: Metadata) -> dict[str, object]:
    """The ``inspect --json`` keys of a 公文 and of the source's format."""
    return {
        "date_written": _date(metadata.date_written) or None,
        "signer": metadata.signer,
        "recipients": metadata.recipients,
        "attachments": list(metadata.attachments),
        "note": metadata.note,
        "copy_to": metadata.copy_to,
        "printed_by": metadata.printed_by,
        "date_printed": _date(metadata.date_printed) or None,
        "format": metadata.format,
    }
