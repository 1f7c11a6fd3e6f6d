"""OFD reader (GB/T 33190): a zip of XML parts, read with the standard library.

``OFD.xml`` names the document root (``DocRoot``), ``Document.xml`` lists the pages in order (``BaseLoc``
of each ``Page``) and the page size (``PhysicalBox``, a page's own ``Area`` wins). A page's
``Content.xml`` holds ``TextObject``s: a ``Boundary`` (x y w h, millimetres, top-down) and a ``Size``,
with ``TextCode``s placing glyph after glyph from ``X``/``Y`` (relative to the boundary) by ``DeltaX``/
``DeltaY`` (``g N v`` repeats the advance v N times). Producers write a line per object or a glyph per
object in any order, so the reading order is rebuilt from positions by ``layout``, then paragraphs as for
PDF. A page's template (``TemplatePage``) is read with it when no other page uses it (a 版头 set in the
first page's template); a template under several pages is furniture (a running header, a frame, a watermark).

Why the standard library: easyofd pulls in PyMuPDF, reportlab, numpy, onnxruntime and more to render and
convert; ofdkit has no dependencies and returns lines in order, but neither paragraphs nor page furniture
handling, is a few weeks old and declares no licence. zipfile and ElementTree read the text in a few dozen
lines, and the positions go straight to ``layout``. A
file that is not a zip or is cut short, a missing ``OFD.xml``, ``Document.xml`` or page part, and
malformed XML each give one ``SourceProblem``.
"""

from __future__ import annotations

import contextlib
import posixpath
import re
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

from bulletins.ingest.documents import file_hash, finish
from bulletins.ingest.layout import Glyph, Line, page_lines, paragraph_blocks, strip_furniture
from bulletins.ingest.readers.common import DEFAULT_MAX_RECORD_BYTES, TextBudget, TooMuchText, unpacked_problem
from bulletins.models import Context, RawBulletin, SourceProblem

__all__ = ["deltas", "read"]

FORMAT = "ofd"
A4_HEIGHT = 297.0
_TEMPLATE_REF = re.compile(r"""TemplateID\s*=\s*["']([^"']*)["']""")


class OfdError(Exception):
    """The package lacks a part or holds one that cannot be parsed."""


def read(
    path: Path, context: Context, *, max_record_bytes: int = DEFAULT_MAX_RECORD_BYTES
) -> Iterator[RawBulletin | SourceProblem]:
    """One .ofd file -> one RawBulletin (format ``ofd``, blocks, text), or one SourceProblem."""
    path = Path(path)
    source = path.as_posix()
    try:
        digest = file_hash(path)
        if too_big := unpacked_problem(path, max_record_bytes):
            yield SourceProblem(source, too_big)
            return
        with zipfile.ZipFile(path) as package:
            pages = _pages(package, TextBudget(max_record_bytes))
    except OSError as error:
        yield SourceProblem(source, f"cannot read: {error.strerror or error}")
        return
    except (zipfile.BadZipFile, EOFError) as error:
        yield SourceProblem(source, f"not a readable OFD package (damaged or cut short?): {error}")
        return
    except (OfdError, TooMuchText) as error:
        yield SourceProblem(source, str(error))
        return
    if not pages:
        yield SourceProblem(source, "OFD without pages")
        return
    yield finish(path, context, FORMAT, paragraph_blocks(strip_furniture(pages)), digest)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _part(package: zipfile.ZipFile, name: str, what: str) -> bytes:
    name = name.lstrip("/")
    try:
        return package.read(name)
    except KeyError:
        raise OfdError(f"damaged OFD: the {what} part {name} is missing") from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, zlib.error, NotImplementedError) as error:
        raise OfdError(f"damaged OFD: cannot unpack {name}: {error}") from None


def _xml(package: zipfile.ZipFile, name: str, what: str) -> ElementTree.Element:
    data = _part(package, name, what)
    name = name.lstrip("/")
    try:
        return ElementTree.fromstring(data)
    except ElementTree.ParseError as error:
        raise OfdError(f"damaged OFD: {name} is not well-formed XML ({error})") from None


def _find(element: ElementTree.Element, name: str) -> ElementTree.Element | None:
    return next((e for e in element.iter() if _local(e.tag) == name), None)


def _resolve(base: str, location: str) -> str:
    location = location.strip()
    return posixpath.normpath(location.lstrip("/") if location.startswith("/") else posixpath.join(base, location))


def _pages(package: zipfile.ZipFile, budget: TextBudget) -> list[tuple[list[Line], float]]:
    root = _find(_xml(package, "OFD.xml", "entry"), "DocRoot")
    if root is None or not (root.text or "").strip():
        raise OfdError("damaged OFD: OFD.xml names no DocRoot")
    document_name = _resolve("", root.text)
    document = _xml(package, document_name, "document")
    base = posixpath.dirname(document_name)
    height = _height(_find(document, "PageArea"), A4_HEIGHT)
    pages: list[tuple[list[Line], float]] = []
    parts = _page_parts(document, base)
    own = _own_templates(package, document, base, parts)
    for number, part in enumerate(parts, start=1):
        content = _xml(package, part, f"page {number}")
        page_height = _height(_find(content, "Area"), height)
        glyphs = _glyphs(content)
        for template in (own.get(e.get("TemplateID", "")) for e in content.iter() if _local(e.tag) == "Template"):
            if template:
                glyphs += _glyphs(_xml(package, template, f"template of page {number}"))
        lines = page_lines(glyphs, number)
        budget.add((line.text for line in lines), number)
        pages.append((lines, page_height))
    return pages


def _page_parts(document: ElementTree.Element, base: str) -> list[str]:
    """The page parts in order, each once: a part named by several Page entries is read once (one
    part named 20,000 times, a 58 KB file, took 27 s and 896 MB)."""
    parts: dict[str, None] = {}
    for page in (e for e in document.iter() if _local(e.tag) == "Page"):
        parts.setdefault(_resolve(base, page.get("BaseLoc", "")), None)
    return list(parts)


def _own_templates(package: zipfile.ZipFile, document: ElementTree.Element, base: str, parts: list[str]) -> dict:
    """Template ID -> part, for the templates (``TemplatePage``) one page alone uses: a 版头 set in a
    template of the first page is text of the document; a template under several pages is page
    furniture (a running header, a frame, a watermark) and is not read."""
    templates = {
        e.get("ID", ""): _resolve(base, e.get("BaseLoc", ""))
        for e in document.iter()
        if _local(e.tag) == "TemplatePage"
    }
    if not templates:
        return {}
    uses: Counter[str] = Counter()
    for part in parts:
        with contextlib.suppress(OfdError):  # a missing or damaged page part is reported when the page is read
            uses.update(set(_TEMPLATE_REF.findall(_part(package, part, "page").decode("utf-8", "replace"))))
    return {key: part for key, part in templates.items() if uses[key] == 1}


def _height(area: ElementTree.Element | None, default: float) -> float:
    box = _find(area, "PhysicalBox") if area is not None else None
    try:
        return float((box.text or "").split()[3]) if box is not None else default
    except (IndexError, ValueError):
        return default


def deltas(value: str | None, limit: int) -> list[float]:
    """``"g 3 5.6 2.8"`` -> ``[5.6, 5.6, 5.6, 2.8]``: the advances of a DeltaX/DeltaY attribute, at
    most LIMIT of them (a TextCode needs one per glyph: ``g 3000000000 10`` in a 7 KB file must
    not become a list of three billion)."""
    tokens, out, i = (value or "").split(), [], 0
    while i < len(tokens) and len(out) < limit:
        if tokens[i] == "g" and i + 2 < len(tokens):
            count = float(tokens[i + 1])
            runs = int(min(count, limit - len(out))) if count > 0 else 0  # NaN, negative: none
            out.extend([float(tokens[i + 2])] * runs)
            i += 3
        else:
            out.append(float(tokens[i]))
            i += 1
    return out


def _numbers(value: str | None, count: int) -> list[float]:
    parts = [float(p) for p in (value or "").split()]
    return (parts + [0.0] * count)[:count]


def _glyphs(content: ElementTree.Element) -> list[Glyph]:
    glyphs: list[Glyph] = []
    for text_object in (e for e in content.iter() if _local(e.tag) == "TextObject"):
        try:
            left, top, _, _ = _numbers(text_object.get("Boundary"), 4)
            ctm = _numbers(text_object.get("CTM") or "1 0 0 1 0 0", 6)
            size = float(text_object.get("Size") or 3.5)
            for code in (e for e in text_object if _local(e.tag) == "TextCode"):
                glyphs.extend(_code_glyphs(code, (left, top), size, ctm))
        except ValueError:
            continue  # a malformed number: skip the object, keep the page
    return glyphs


def _last_advance(char: str, size: float) -> float:
    """The width of a glyph DeltaX says nothing about (the last of a TextCode): a full em for a wide
    character, half of one for a narrow (ASCII) one, so a number ending a table cell leaves its gap."""
    return size / 2 if char.isascii() else size


def _code_glyphs(
    code: ElementTree.Element, origin: tuple[float, float], size: float, ctm: list[float]
) -> Iterator[Glyph]:
    """The glyphs of one TextCode in page millimetres: positions inside the object go through its CTM
    (``a b c d e f``: scaled and moved, rotation ignored), then from the object's boundary origin."""
    a, _, _, d, e, f = ctm
    scale = abs(d) or 1.0
    text = code.text or ""
    dx, dy = deltas(code.get("DeltaX"), len(text)), deltas(code.get("DeltaY"), len(text))
    x, y = float(code.get("X") or 0), float(code.get("Y") or 0)
    space = ""
    for i, char in enumerate(text):
        advance = dx[i] if i < len(dx) else _last_advance(char, size)
        left, baseline, height = origin[0] + a * x + e, origin[1] + d * y + f, size * scale
        x += advance
        y += dy[i] if i < len(dy) else 0.0
        if char.isspace():
            space = " "
            continue
        yield Glyph(space + char, left, left + min(advance * abs(a or 1), height), baseline - 0.88 * height,
                    baseline + 0.12 * height, height)  # fmt: skip
        space = ""
