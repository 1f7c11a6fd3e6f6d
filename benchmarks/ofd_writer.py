"""A 公文 as an OFD package (GB/T 33190), typeset by hand: OFD.xml -> Doc_0/Document.xml -> pages.

Each line is a ``TextObject`` whose ``TextCode`` places its glyphs with ``DeltaX`` (``g N v`` runs where
the advance repeats); the title is written glyph by glyph, one ``TextObject`` per character in shuffled
order, as some producers do, so a reader has to rebuild the reading order from positions. Units are
millimetres: A4, 版心 156 × 225 mm from (28, 37), 三号 body (5.6 mm), 22 lines a page, a page number
``— N —`` under the text.
"""

from __future__ import annotations

import io
import random
import zipfile
from dataclasses import dataclass
from xml.sax.saxutils import escape

from document_content import Gongwen

NS = "http://www.ofdspec.org/2016"
LEFT, TOP, WIDTH, HEIGHT = 28.0, 37.0, 156.0, 225.0
BODY, TITLE, SMALL = 5.6, 7.7, 4.9
PITCH = HEIGHT / 22


@dataclass(frozen=True)
class Run:
    x: float
    baseline: float
    size: float
    text: str
    deltas: tuple[float, ...]
    per_glyph: bool = False


def _advance(char: str, size: float) -> float:
    return size / 2 if char.isascii() else size


def _wrap(text: str, size: float, first: float) -> list[str]:
    lines, current, width, limit = [], "", 0.0, WIDTH - first
    for char in text:
        if width + _advance(char, size) > limit + 0.01:
            lines.append(current)
            current, width, limit = "", 0.0, WIDTH
        current += char
        width += _advance(char, size)
    return [*lines, current]


class _Setter:
    def __init__(self) -> None:
        self.pages: list[list[Run]] = [[]]
        self.y = TOP

    def line(self, text: str, size: float, align: str = "left", indent: float = 0.0, per_glyph: bool = False) -> None:
        if self.y + size > TOP + HEIGHT:
            self.pages.append([])
            self.y = TOP
        deltas = tuple(_advance(c, size) for c in text)
        width = sum(deltas)
        x = {"left": LEFT + indent, "center": LEFT + (WIDTH - width) / 2, "right": LEFT + WIDTH - 4 * size - width}
        self.pages[-1].append(Run(x[align], self.y + size * 0.88, size, text, deltas[:-1], per_glyph))
        self.y += max(PITCH, size * 1.5)

    def paragraph(self, text: str, size: float = BODY, indent: bool = True, align: str = "left") -> None:
        if align != "left":
            self.line(text, size, align)
            return
        for i, part in enumerate(_wrap(text, size, 2 * size if indent else 0.0)):
            self.line(part, size, indent=2 * size if indent and i == 0 else 0.0)

    def cells(self, cells: tuple[str, ...], columns: tuple[float, ...], size: float) -> None:
        for text, column in zip(cells, columns):
            deltas = tuple(_advance(c, size) for c in text)
            self.pages[-1].append(Run(LEFT + column, self.y + size * 0.88, size, text, deltas[:-1]))
        self.y += PITCH


def typeset(doc: Gongwen) -> list[list[Run]]:
    """DOC laid out in pages of runs."""
    s = _Setter()
    s.line(doc.header, 10.0, "center")
    s.line(doc.number, BODY, "center")
    s.y += PITCH
    for part in _wrap(doc.title, TITLE, 4 * TITLE):
        s.line(part, TITLE, "center", per_glyph=True)
    s.y += PITCH / 2
    s.paragraph(doc.recipients, indent=False)
    for _kind, text in doc.body:
        s.paragraph(text)
    s.y += PITCH
    s.paragraph(doc.attachment_note)
    s.y += PITCH
    s.paragraph(doc.signature, align="right")
    s.paragraph(doc.date, align="right")
    s.paragraph(doc.note)
    s.y += PITCH
    s.paragraph(doc.copies, SMALL, indent=False)
    s.cells(doc.printer, (SMALL, WIDTH - SMALL - sum(_advance(c, SMALL) for c in doc.printer[1])), SMALL)
    s.pages.append([])
    s.y = TOP
    s.paragraph("附件", indent=False)
    s.paragraph(doc.attachment_title, TITLE, align="center")
    for row in doc.table:
        s.cells(row, (0.0, 20.0, 80.0, 120.0), SMALL)
    return s.pages


def _deltas(deltas: tuple[float, ...]) -> str:
    parts, i = [], 0
    while i < len(deltas):
        j = i
        while j < len(deltas) and deltas[j] == deltas[i]:
            j += 1
        parts.append(f"g {j - i} {deltas[i]:g}" if j - i > 2 else " ".join(f"{deltas[i]:g}" for _ in range(j - i)))
        i = j
    return " ".join(parts)


def _text_object(ident: int, run: Run) -> str:
    width = sum(run.deltas) + run.size
    top = run.baseline - run.size * 0.88
    delta = f' DeltaX="{_deltas(run.deltas)}"' if run.deltas else ""
    return (
        f'<ofd:TextObject ID="{ident}" Boundary="{run.x:.2f} {top:.2f} {width:.2f} {run.size * 1.2:.2f}" Font="3" '
        f'Size="{run.size:g}"><ofd:TextCode X="0" Y="{run.size * 0.88:.2f}"{delta}>{escape(run.text)}'
        "</ofd:TextCode></ofd:TextObject>"
    )


def _page_xml(runs: list[Run], number: int, rng: random.Random) -> str:
    objects, ident = [], 100
    footer = Run(LEFT + WIDTH / 2 - 2 * SMALL, TOP + HEIGHT + 12, SMALL, f"— {number} —", ())
    for run in [*runs, footer]:
        if run.per_glyph:
            glyphs = [Run(run.x + sum(run.deltas[:i]), run.baseline, run.size, c, ()) for i, c in enumerate(run.text)]
            rng.shuffle(glyphs)
        else:
            glyphs = [run]
        for glyph in glyphs:
            ident += 1
            objects.append(_text_object(ident, glyph))
    layer = "".join(objects)
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><ofd:Page xmlns:ofd="{NS}"><ofd:Content>'
        f'<ofd:Layer ID="2">{layer}</ofd:Layer></ofd:Content></ofd:Page>'
    )


class _Fixed:
    """Writes parts with a fixed timestamp, so the same document gives the same bytes."""

    def __init__(self, package: zipfile.ZipFile) -> None:
        self.package = package

    def writestr(self, name: str, data: str) -> None:
        info = zipfile.ZipInfo(name, date_time=(2025, 3, 18, 9, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        self.package.writestr(info, data)


def to_ofd(doc: Gongwen, seed: int = 7, pages: list[list[Run]] | None = None) -> bytes:
    """DOC as the bytes of an .ofd package (PAGES: DOC already typeset by another layout)."""
    rng = random.Random(seed)
    pages = pages or typeset(doc)
    page_list = "".join(f'<ofd:Page ID="{10 + i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(len(pages)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        z = _Fixed(package)
        z.writestr(
            "OFD.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:OFD xmlns:ofd="{NS}" Version="1.1" DocType="OFD"><ofd:DocBody>'
            f"<ofd:DocInfo><ofd:DocID>c{seed:031d}</ofd:DocID><ofd:Title>{escape(doc.title)}</ofd:Title></ofd:DocInfo>"
            "<ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>",
        )
        z.writestr(
            "Doc_0/Document.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Document xmlns:ofd="{NS}"><ofd:CommonData>'
            "<ofd:MaxUnitID>9999</ofd:MaxUnitID><ofd:PageArea><ofd:PhysicalBox>0 0 210 297</ofd:PhysicalBox>"
            "</ofd:PageArea><ofd:PublicRes>PublicRes.xml</ofd:PublicRes></ofd:CommonData>"
            f"<ofd:Pages>{page_list}</ofd:Pages></ofd:Document>",
        )
        z.writestr(
            "Doc_0/PublicRes.xml",
            f'<?xml version="1.0" encoding="UTF-8"?><ofd:Res xmlns:ofd="{NS}" BaseLoc="Res"><ofd:Fonts>'
            '<ofd:Font ID="3" FontName="宋体" FamilyName="宋体"/></ofd:Fonts></ofd:Res>',
        )
        for i, runs in enumerate(pages):
            z.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", _page_xml(runs, i + 1, rng))
    return out.getvalue()
