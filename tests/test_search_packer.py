"""Term shards packed by a worker process (``search.packer``) are the files, counts and record
the index writer gives when it packs them itself, in the order they were cut."""

from __future__ import annotations

import random

import pytest

from bulletins.search import workers
from bulletins.search.packer import ShardPacker
from bulletins.search.write import IndexWriter, dumps, packed_shard, short_hash

CHARS = "青溪区政府常务会议研究部署城市更新营商环境乡村振兴abcdefg0123456789"


def shard_texts(count: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    texts = []
    for i in range(count):
        data = {"p": {f"k{i}-{j}": "".join(rng.choice(CHARS) for _ in range(rng.randint(5, 3000))) for j in range(3)}}
        texts.append((f"t/shard{i:03d}", dumps(data)))
    return texts


def tree(root) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def in_turn(root, texts, record=None) -> IndexWriter:
    writer = IndexWriter(root, record)
    for name, text in texts:
        writer.write_script(name, lambda text=text: packed_shard(text), key=short_hash(text))
    return writer


def packed(root, texts, processes: int, record=None, sent: list | None = None, start: str = "") -> IndexWriter:
    """The shards of TEXTS through a ``ShardPacker`` (its worker started by START, else as the
    builder starts it); SENT, when given, gets the name of each shard sent to the worker."""
    writer = IndexWriter(root, record)
    packer = ShardPacker(writer, processes, start or workers.start_method())
    if sent is not None:
        submit = packer.pool.submit
        packer.pool.submit = lambda fn, *args: sent.append(args[1]) or submit(fn, *args)
    try:
        for name, text in texts:
            packer.write(name, text, short_hash(text))
        packer.finish()
    finally:
        packer.close()
    return writer


def counts(writer: IndexWriter) -> tuple:
    """What the writer counted, and its record (the files' modification times left out)."""
    record = [(name, entry.split()[:2]) for name, entry in writer.fresh.items()]
    return writer.files, writer.bytes, writer.written, record


@pytest.mark.parametrize(
    ("processes", "start"),
    [(1, ""), (2, "fork"), (2, "spawn")],  # spawn: a build with Pelican's progress thread running
)
@pytest.mark.parametrize("count", [0, 1, 150])
def test_packed_shards_are_the_shards_written_in_turn(tmp_path, processes, start, count):
    texts = shard_texts(count, seed=count)
    expected = in_turn(tmp_path / "turn", texts)
    got = packed(tmp_path / "packed", texts, processes, start=start)
    assert tree(tmp_path / "packed") == tree(tmp_path / "turn")
    assert counts(got) == counts(expected)


def test_shards_kept_from_the_last_build_are_not_sent(tmp_path):
    texts = shard_texts(80, seed=4)
    first = packed(tmp_path / "out", texts, 2)
    changed = [*texts[:40], (texts[40][0], texts[40][1].replace("k40", "k40x")), *texts[41:]]
    sent: list[str] = []
    writer = packed(tmp_path / "out", changed, 2, first.fresh, sent)
    assert sent == [texts[40][0]]
    assert (writer.files, writer.written) == (80, 1)
    assert counts(writer)[3] == counts(in_turn(tmp_path / "again", changed))[3]
    assert tree(tmp_path / "out") == tree(tmp_path / "again")


def test_a_failure_in_the_worker_is_raised_here(tmp_path):
    """Raised when the shard is counted: at ``finish``, or at the next ``write`` when the worker
    was done by then (a race the suite lost once under load: the test now takes either)."""
    root = tmp_path / "out"
    root.mkdir()
    (root / "t").write_text("a file where the shards' folder goes")
    writer = IndexWriter(root)
    packer = ShardPacker(writer, 2, workers.start_method())
    try:
        with pytest.raises(FileExistsError):
            packer.write("t/shard000", dumps({"p": {"k": "ab"}}), "key")
            packer.finish()
    finally:
        packer.close()
