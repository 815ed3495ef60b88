"""The bare-CR pre-pass (orchestration/ingest/bare_cr.py): which files it rewrites, and how.

Each case is checked with every chunk size from 1 byte up, so a CR, a CR LF or a placeholder
split across two reads gives the same result as in one read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from orchestration.ingest import bare_cr

P0, P1 = bare_cr.PLACEHOLDERS[:2]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"a,b\nR1,x\ry\n", ("a,b\nR1,x" + P0 + "y\n", False)),  # LF file: a bare CR is data
        (b"a,b\nR1,x\r\nR2,y\n", ("a,b\nR1,x\nR2,y\n", False)),  # ... a stray CR LF ends a line
        (b"a,b\nR1,x\r", ("a,b\nR1,x", False)),  # ... so does a CR that ends the file
        (b'a,b\r\nR1,"x\ry"\r\n', ('a,b\r\nR1,"x' + P0 + 'y"\r\n', True)),  # CRLF file
        (b"a,b\r\nR1,x\r", None),  # a CRLF file ending in CR: nothing to rewrite
        (b"a,b\r\nR1,x\r\n", None),  # plain CRLF
        (b"a,b\nR1,x\n", None),  # plain LF
        (b"a,b\rR1,x\ry\r", None),  # classic Mac line endings: every CR ends a line
        (("a,b\nR1," + P0 + "\r\n").encode(), ("a,b\nR1," + P0 + "\n", False)),  # P0 is taken
        (("a,b\nR1," + P0 + "x\r").encode(), ("a,b\nR1," + P0 + "x", False)),
        (("a\r\nb" + P0 + "\r").encode(), None),
        (("a\r\nb" + P0 + "\rc").encode(), ("a\r\nb" + P0 + P1 + "c", True)),
    ],
)
def test_rewrite_is_the_same_for_every_chunk_size(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: bytes, expected: tuple | None
) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(body)
    for size in range(1, len(body) + 2):
        monkeypatch.setattr(bare_cr, "CHUNK", size)
        found = bare_cr.plan(path)
        if expected is None:
            assert found is None, size
            continue
        text, crlf = expected
        assert found is not None and found[1] == crlf, size
        out = bare_cr.mask(path, tmp_path / "out" / "in.csv", found[0], crlf)
        assert out.read_bytes().decode("utf-8") == text, size


def test_a_file_without_a_cr_is_parsed_in_place(tmp_path: Path) -> None:
    path = tmp_path / "in.csv"
    path.write_bytes(b"a,b\nR1,x\n")
    assert bare_cr.masked(path, tmp_path / "scratch") == (path, None)
    assert not (tmp_path / "scratch").exists()
    assert bare_cr.unmask("c", None) == "c"
    assert bare_cr.unmask("c", P0) == f"replace(c, chr({ord(P0)}), chr(13))"
