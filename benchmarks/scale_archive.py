"""The scale benchmark's synthetic archive and the changes its rebuilds make to it.

The archive: N bulletins (a fixed seed) of 2-12 real paragraphs each from
``../shared/corpus/bulletins-2022-2024.jsonl.gz``, titles cut from their first paragraph, dates
over 25 years (2000-2024), five fictional publishers, one ``.jsonl.gz`` per publisher. The
changes: a bulletin added and ingested (of a random date, after every other, or on a day read
from the built search index: one that had none for ``empty``, one whose block of search ids
is full for ``full``) and an article edited by hand.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gzip
import json
import os
import random
import shutil
import sys
from collections import Counter
from pathlib import Path

from scale_measure import DROP_CACHES, build, drop_caches, ingest
from synthetic import corpus_paragraphs

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "bulletins-2022-2024.jsonl.gz"
SEED = 25
PUBLISHERS = {
    "qingxi-gov": ("青溪区人民政府", "青溪区"),
    "qingxi-edu": ("青溪区教育委员会", "青溪区"),
    "chengchuan-gov": ("澄川市人民政府", "澄川市"),
    "chengchuan-transport": ("澄川市交通运输局", "澄川市"),
    "yunling-gov": ("云岭县人民政府", "云岭县"),
}
CATEGORIES = ("常务会议", "通知公告", "政策解读", "人事任免", "工作动态", "经济运行", "民生服务")
FIRST_DAY, DAYS = dt.date(2000, 1, 1), (dt.date(2024, 12, 31) - dt.date(2000, 1, 1)).days


def read_paragraphs(records: int | None) -> list[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        rows = (json.loads(line) for number, line in enumerate(fh) if records is None or number < records)
        return corpus_paragraphs(r for r in rows if r)


def synthetic_records(paragraphs: list[str], count: int, seed: int = SEED):
    """COUNT JSONL records (key of the publisher's file, record), the same ones for a seed."""
    rng = random.Random(seed)
    keys = sorted(PUBLISHERS)
    for number in range(count):
        body = [rng.choice(paragraphs) for _ in range(rng.randint(2, 12))]
        title = body[0].split("。")[0][: rng.randint(8, 24)]
        day = FIRST_DAY + dt.timedelta(days=rng.randrange(DAYS + 1))
        key = rng.choice(keys)
        publisher, region = PUBLISHERS[key]
        record = {"id": f"scale-{number:06d}", "date": day.isoformat(), "title": title, "text": "\n".join(body)}
        record.update(publisher=publisher, region=region, category=rng.choice(CATEGORIES))
        yield key, record


def write_sources(folder: Path, paragraphs: list[str], count: int) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    with contextlib.ExitStack() as stack:
        files = {
            key: stack.enter_context(gzip.open(folder / f"{key}.jsonl.gz", "wt", encoding="utf-8"))
            for key in PUBLISHERS
        }
        for key, record in synthetic_records(paragraphs, count):
            files[key].write(json.dumps(record, ensure_ascii=False) + "\n")


# --- the changes a rebuild makes -------------------------------------------------------------


def one_article(content: Path) -> Path:
    return sorted((content / "bulletins").rglob("*.md"))[len(PUBLISHERS)]


def edit_one(content: Path) -> Path:
    article = one_article(content)
    text = article.read_text(encoding="utf-8")
    article.write_text(text.rstrip("\n") + "\n\n编辑补充：本条信息已于次日更正。\n", encoding="utf-8")
    return article


def added_date(number: int, newest: bool = False) -> str:
    """The date of the NUMBERth bulletin ``add_one`` adds: one after every other (NEWEST, each
    a day after the last), or a random one of the 25 years, seeded by NUMBER."""
    if newest:
        return (FIRST_DAY + dt.timedelta(days=DAYS + 1 + number)).isoformat()
    return (FIRST_DAY + dt.timedelta(days=random.Random(SEED + 1 + number).randrange(DAYS + 1))).isoformat()


ADDED_PARAGRAPHS = 6  # corpus paragraphs after an added bulletin's own first one: about the
# archive's mean (2-12), so that its terms reach as many lists and shards as a bulletin's do. At
# 100,000 a one-sentence bulletin, as added before, changed 64 of 9,757 shard files; this, 1,070


@functools.lru_cache(maxsize=1)
def _some_paragraphs() -> list[str]:
    return read_paragraphs(1000)


def added_paragraphs(number: int) -> list[str]:
    """The corpus paragraphs of the NUMBERth bulletin added (seeded by NUMBER)."""
    rng, paragraphs = random.Random(SEED + 2 + number), _some_paragraphs()
    return [rng.choice(paragraphs) for _ in range(ADDED_PARAGRAPHS)]


def add_one(work: Path, newest: bool = False, date: str | None = None, count: int = 1) -> None:
    """Ingest one more bulletin (COUNT more, in one file) of an archive bulletin's size (a
    sentence of its own, then ``added_paragraphs``): of a random date, its own for each
    call (seeded by the number of earlier calls, so a long series of runs does not pile them on
    one day), (NEWEST) dated after every other one, or of DATE. Each call adds others (their own
    record ids, texts and, for the newest, date)."""
    extra = work / "sources" / "extra"
    extra.mkdir(parents=True, exist_ok=True)
    number = len(list(extra.glob("*.jsonl")))
    name = f"{'newest' if newest else 'added'}-{number}"
    date = date or added_date(number, newest)
    lines = []
    for each in range(count):
        part = f"之{each + 1}" if count > 1 else ""
        text = f"青溪区召开基准测试追加会议（第{number + 1}次{part}），研究部署防汛工作。"
        body = [text, *added_paragraphs(number * count + each)]
        record = dict(next(synthetic_records([text], 1, seed=SEED + 1))[1], date=date, text="\n".join(body))
        record["id"] = f"scale-{name}" + (f"-{each}" if count > 1 else "")
        lines.append(json.dumps(record, ensure_ascii=False) + "\n")
    (extra / f"{name}.jsonl").write_text("".join(lines), encoding="utf-8")
    if DROP_CACHES:
        drop_caches()
    measured = ingest(work, 1, extra / f"{name}.jsonl")
    kind = name.split("-")[0]
    many = f", {count} bulletins" if count > 1 else ""
    print(
        f"ingest_{kind}_one_s {measured.seconds:.1f}  peak_mb {measured.process_kb // 1024}  ({date}{many})", flush=True
    )


def search_days(output: Path) -> tuple[list[tuple[dt.date, int]], int]:
    """From the search index: each day from the first with its number of bulletins (days
    without any included), counted from the result-data files (one a bulletin,
    ``f/YYYY/MMDD-slot.js``), and the bulletins a day's block of ids holds (the manifest's
    ``fill``, docids' ``block_fill``)."""
    search = output / "search"
    fill = json.loads((search / "manifest.json").read_text(encoding="utf-8"))["days"]["fill"]
    counts: Counter = Counter()
    for year in (search / "f").iterdir():
        for name in os.listdir(year):
            counts[dt.date(int(year.name), int(name[:2]), int(name[2:4]))] += 1
    if not counts:
        return [], fill
    first, last = min(counts), max(counts)
    days = (first + dt.timedelta(days=k) for k in range((last - first).days + 1))
    return [(day, counts[day]) for day in days], fill


def empty_day(output: Path) -> str:
    """The oldest day after the first without a bulletin (``empty``)."""
    found = next((day for day, count in search_days(output)[0] if count == 0), None)
    if found is None:
        raise SystemExit("no day without bulletins in the search manifest")
    return found.isoformat()


def full_day(output: Path) -> tuple[str, int]:
    """A day whose one block of ids is full (``full``: one more bulletin there makes it take a
    block in the next tier and moves a few of its bulletins; before the tiers it moved every
    later id, the change that rewrote most of the index), and how many bulletins it lacks to be
    so: the oldest day of exactly ``fill`` bulletins (what a block holds), or else the oldest of
    the most crowded days below that. Days of several blocks are left alone: each ``full`` run
    took one day a block further (32 bulletins, then 64 and more: 193 by the third run of
    2026-12-06), where a bulletin added moves the last of each later block too."""
    found, fill = search_days(output)
    full = [day for day, count in found if count == fill]
    if full:
        return full[0].isoformat(), 0
    below = [(day, count) for day, count in found if count < fill]
    if not below:
        sys.exit(f"full: no day holds fewer than {fill} bulletins to fill")
    most = max(count for _, count in below)
    return next(day for day, count in below if count == most).isoformat(), fill - most


def fill_day(work: Path) -> str:
    """``full_day``'s day, first filled to a full block and built (untimed, its time printed)."""
    date, lacking = full_day(work / "output")
    if lacking:
        add_one(work, date=date, count=lacking)
        measured, _ = build(work, "full-fill")
        print(
            f"fill_build_s {measured.seconds:.1f}  ({lacking} bulletins on {date}: its block of ids full)", flush=True
        )
    return date
