"""Sealed files written piece by piece (``sealed.write_pieces``, ``read_pieces``): each piece
checked as a whole file is, a file of one piece the same bytes as ``write_sealed``'s."""

from __future__ import annotations

import marshal

import pytest

from bulletins import sealed

VALUES = [{"format": 4}, {("区", "p"): (4, b"x" * 8, b"\1" * 8, b"\2" * 8)}, [1, 2, 3], "末"]


def test_pieces_read_back_in_order(tmp_path):
    sealed.write_pieces(tmp_path / "f", iter(VALUES))
    assert sealed.read_pieces(tmp_path / "f") == VALUES


def test_one_piece_is_a_sealed_file(tmp_path):
    """The magic, then the piece's length and CRC-32 before its ``marshal`` bytes: what
    ``read_sealed`` reads, and what ``write_sealed`` writes."""
    sealed.write_pieces(tmp_path / "pieces", [VALUES[1]])
    sealed.write_sealed(tmp_path / "whole", VALUES[1])
    expected = sealed.MAGIC + sealed.frame(marshal.dumps(VALUES[1]))
    assert (tmp_path / "pieces").read_bytes() == expected == (tmp_path / "whole").read_bytes()
    assert sealed.read_sealed(tmp_path / "pieces") == VALUES[1] == sealed.read_pieces(tmp_path / "whole")[0]
    sealed.write_pieces(tmp_path / "none", [])
    assert sealed.read_pieces(tmp_path / "none") == []


@pytest.mark.parametrize("cut", [1, 5, 13, 40])
def test_a_file_cut_short_or_damaged_is_refused(tmp_path, cut):
    path = tmp_path / "f"
    sealed.write_pieces(path, VALUES)
    data = path.read_bytes()
    path.write_bytes(data[:-cut])
    with pytest.raises(ValueError):
        sealed.read_pieces(path)
    changed = bytearray(data)
    changed[-cut] ^= 0x20
    path.write_bytes(bytes(changed))
    with pytest.raises(ValueError):
        sealed.read_pieces(path)


def test_a_write_stopped_by_an_error_leaves_the_last_file_whole(tmp_path):
    path = tmp_path / "f"
    sealed.write_pieces(path, VALUES)

    def failing():
        yield {"format": 4}
        raise RuntimeError("stopped")

    with pytest.raises(RuntimeError):
        sealed.write_pieces(path, failing())
    assert sealed.read_pieces(path) == VALUES and [p.name for p in tmp_path.iterdir()] == ["f"]


def test_not_a_sealed_file_is_refused(tmp_path):
    (tmp_path / "f").write_bytes(b"plain text")
    with pytest.raises(ValueError):
        sealed.read_pieces(tmp_path / "f")
