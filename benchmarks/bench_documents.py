"""Document readers: documents per second on 2 cores (3-page 公文 in .docx, .pdf, .ofd), peak memory of a
500-page PDF, and the PDF and Word libraries compared on the same samples (time and accuracy).

    python benchmarks/bench_documents.py [--count 10] [--pages 500] [--keep DIR]

Needs Chromium (/usr/bin/chromium) for the PDFs; pdfminer.six, pdfplumber, pypdf, docx2python and mammoth
only for the comparison (rows of a missing library are skipped).
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pypdfium2

from bulletins.models import Context, RawBulletin
from document_content import gongwen, to_html
from make_documents import to_pdfs, write_set

READERS = {".docx": "docx", ".pdf": "pdf", ".ofd": "ofd"}
SECTIONS = 3  # three pages of text, then the attachment page with its table


def read_one(path: str) -> tuple[str, bool]:
    module = importlib.import_module(f"bulletins.ingest.readers.{READERS[Path(path).suffix]}")
    items = list(module.read(Path(path), Context()))
    return Path(path).suffix, len(items) == 1 and isinstance(items[0], RawBulletin)


def warm(_: int) -> None:
    for kind in READERS.values():
        importlib.import_module(f"bulletins.ingest.readers.{kind}")


def throughput(files: list[Path], workers: int) -> tuple[float, int]:
    """Documents per second over FILES with WORKERS processes (started and warmed before the clock)."""
    with ProcessPoolExecutor(max_workers=workers) as pool:
        list(pool.map(warm, range(workers)))
        start = time.perf_counter()
        results = list(pool.map(read_one, map(str, files), chunksize=1))
        seconds = time.perf_counter() - start
    return len(files) / seconds, sum(ok for _, ok in results)


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def expected_paragraphs(seed: int, sections: int) -> list[str]:
    return [text for kind, text in gongwen(seed, sections).body if kind == "p"]


def pdf_extractors() -> dict[str, object]:
    def ours(path):
        from bulletins.ingest.readers import pdf

        (item,) = pdf.read(Path(path), Context())
        return item.text

    def pdfium_raw(path):
        import pypdfium2

        document = pypdfium2.PdfDocument(path)
        text = "\n".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
        document.close()
        return text

    def pdfminer(path):
        from pdfminer.high_level import extract_text

        return extract_text(path)

    def pdfplumber(path):
        import pdfplumber as plumber

        with plumber.open(path) as document:
            return "\n".join(page.extract_text() or "" for page in document.pages)

    def pypdf(path):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() for page in PdfReader(path).pages)

    return {"bulletins (pypdfium2 + layout)": ours, "pypdfium2 text": pdfium_raw, "pdfminer.six": pdfminer,
            "pdfplumber": pdfplumber, "pypdf": pypdf}  # fmt: skip


def accuracy(text: str, paragraphs: list[str]) -> tuple[float, float, int, int]:
    """(paragraphs found as whole lines, found anywhere with line breaks removed, page numbers, radicals)."""
    lines = {_squash(line) for line in text.splitlines()}
    whole = sum(_squash(p) in lines for p in paragraphs) / len(paragraphs)
    anywhere = sum(_squash(p) in _squash(text) for p in paragraphs) / len(paragraphs)
    numbers = len(re.findall(r"[—-]\s*\d+\s*[—-]", text))
    return whole, anywhere, numbers, len(re.findall("[\u2e80-\u2fdf]", text))


def compare_pdf(folder: Path, radical_pdf: Path, seeds: list[int], sections: int) -> None:
    print("\nPDF libraries on %d 3-page documents (+1 with radical glyphs)" % len(seeds))
    print("%-32s %9s %8s %9s %8s %8s" % ("library", "ms/doc", "whole", "anywhere", "pageno", "radicals"))
    for name, extract in pdf_extractors().items():
        try:
            start = time.perf_counter()
            texts = [extract(str(folder / f"chengjiang-{seed:03d}.pdf")) for seed in seeds]
            ms = (time.perf_counter() - start) * 1000 / len(seeds)
            radicals = accuracy(extract(str(radical_pdf)), expected_paragraphs(7, sections))[3]
        except ImportError:
            print("%-32s (not installed)" % name)
            continue
        except Exception as error:  # a library that fails on these files is a result too
            print("%-32s failed: %s: %s" % (name, type(error).__name__, error))
            continue
        scores = [accuracy(t, expected_paragraphs(s, sections)) for t, s in zip(texts, seeds)]
        whole = sum(s[0] for s in scores) / len(scores)
        anywhere = sum(s[1] for s in scores) / len(scores)
        numbers = sum(s[2] for s in scores)
        print("%-32s %9.1f %7.0f%% %8.0f%% %8d %8d" % (name, ms, whole * 100, anywhere * 100, numbers, radicals))


def docx_extractors() -> dict[str, object]:
    def ours(path):
        from bulletins.ingest.readers import docx

        (item,) = docx.read(Path(path), Context())
        return item.text

    def docx2python(path):
        from docx2python import docx2python as d2p

        with d2p(path) as result:
            return result.text

    def mammoth(path):
        import mammoth as mm

        with open(path, "rb") as fh:
            return mm.extract_raw_text(fh).value

    return {"bulletins (python-docx)": ours, "docx2python": docx2python, "mammoth": mammoth}


def compare_docx(folder: Path, seeds: list[int], sections: int) -> None:
    print("\nWord libraries on %d documents" % len(seeds))
    print("%-32s %9s %8s %8s %9s" % ("library", "ms/doc", "whole", "table", "footnote"))
    for name, extract in docx_extractors().items():
        try:
            start = time.perf_counter()
            texts = [extract(str(folder / f"chengjiang-{seed:03d}.docx")) for seed in seeds]
        except ImportError:
            print("%-32s (not installed)" % name)
            continue
        except Exception as error:  # a library that fails on these files is a result too
            print("%-32s failed: %s: %s" % (name, type(error).__name__, error))
            continue
        ms = (time.perf_counter() - start) * 1000 / len(seeds)
        whole = sum(accuracy(t, expected_paragraphs(s, sections))[0] for t, s in zip(texts, seeds)) / len(seeds)
        table = all("市发展改革委" in t and "2026年12月" in t for t in texts)
        note = all("常务会议审定" in t for t in texts)
        print("%-32s %9.1f %7.0f%% %8s %9s" % (name, ms, whole * 100, table, note))


def compare_ofd(folder: Path, seeds: list[int], sections: int) -> None:
    """Ours against ofdkit (the one OFD reader without dependencies), if it is installed."""

    def ours(path):
        from bulletins.ingest.readers import ofd

        (item,) = ofd.read(Path(path), Context())
        return item.text

    def ofdkit(path):
        import ofdkit as kit

        return kit.extract_text(path)

    print("\nOFD readers on %d documents" % len(seeds))
    print("%-32s %9s %8s %9s %8s" % ("library", "ms/doc", "whole", "anywhere", "pageno"))
    for name, extract in {"bulletins (zipfile + ElementTree)": ours, "ofdkit": ofdkit}.items():
        try:
            start = time.perf_counter()
            texts = [extract(str(folder / f"chengjiang-{seed:03d}.ofd")) for seed in seeds]
        except ImportError:
            print("%-32s (not installed)" % name)
            continue
        ms = (time.perf_counter() - start) * 1000 / len(seeds)
        scores = [accuracy(t, expected_paragraphs(s, sections)) for t, s in zip(texts, seeds)]
        whole, anywhere = (sum(s[k] for s in scores) / len(scores) for k in (0, 1))
        print("%-32s %9.1f %7.0f%% %8.0f%% %8d" % (name, ms, whole * 100, anywhere * 100, sum(s[2] for s in scores)))


def big_pdf(folder: Path, pages: int) -> Path:
    """A PDF of about PAGES pages: 公文 bodies one after another."""
    per_document = 4  # pages of one 4-section 公文 laid out by Chromium, attachment included
    docs = [gongwen(seed, 4) for seed in range(1, pages // per_document + 1)]
    html = "".join(to_html(doc).split("<body>", 1)[1].rsplit("</body>", 1)[0] for doc in docs)
    page = to_html(docs[0]).split("<body>", 1)[0] + "<body>" + html + "</body></html>"
    (data,) = to_pdfs([(page, False)])
    path = folder / f"big-{pages}.pdf"
    path.write_bytes(data)
    return path


PEAK = """
import resource, sys, time
from pathlib import Path
from bulletins.ingest.readers import pdf
from bulletins.models import Context
start = time.perf_counter()
(item,) = pdf.read(Path(sys.argv[1]), Context())
print(len(item.blocks), max(b.page for b in item.blocks), time.perf_counter() - start,
      resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
"""


def big_pdf_memory(path: Path) -> None:
    out = subprocess.run([sys.executable, "-c", PEAK, str(path)], capture_output=True, text=True, check=True)
    blocks, last_page, seconds, peak_mb = out.stdout.split()
    size_mb = path.stat().st_size / 1e6
    print(f"\n{last_page}-page PDF ({size_mb:.1f} MB): {blocks} blocks in {float(seconds):.1f} s", end="")
    print(f", peak RSS {float(peak_mb):.0f} MB")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=10, help="documents of each format")
    parser.add_argument("--pages", type=int, default=500, help="pages of the large PDF (0: skip)")
    parser.add_argument("--keep", type=Path, help="write the samples here and keep them")
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)  # pdfminer and pypdf warn about every font of Chromium's PDFs
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        seeds = list(range(1, args.count + 1))
        start = time.perf_counter()
        files = write_set(folder, seeds, SECTIONS)
        radical = folder / "radicals.pdf"
        radical.write_bytes(to_pdfs([(to_html(gongwen(7, SECTIONS), radicals=True), True)])[0])
        pages = [len(pypdfium2.PdfDocument(f)) for f in files if f.suffix == ".pdf"]
        print(f"made {len(files)} documents ({sum(pages) / len(pages):.1f} PDF pages each) in", end=" ")
        print(f"{time.perf_counter() - start:.1f} s; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
        print("\n%-8s %8s %8s %6s" % ("format", "1 core", "2 cores", "ok"))
        for suffix in (*READERS, "mixed"):
            chosen = [f for f in files if suffix == "mixed" or f.suffix == suffix]
            one, _ = throughput(chosen, 1)
            two, ok = throughput(chosen, 2)
            print("%-8s %7.1f/s %7.1f/s %3d/%d" % (suffix, one, two, ok, len(chosen)))
        compare_pdf(folder, radical, seeds, SECTIONS)
        compare_docx(folder, seeds, SECTIONS)
        compare_ofd(folder, seeds, SECTIONS)
        if args.pages:
            big_pdf_memory(big_pdf(folder, args.pages))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
