"""The cheaper forms of per-file helpers of the build give the same results as before:
the manifest's SHA-256 of a file, ``write_if_changed`` into new and existing folders, and the
JSON-LD of an article made from the header fields it reads only."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from types import SimpleNamespace

import pytest

from bulletins.site import fixity
from bulletins.site.output_files import write_if_changed

CHUNK = fixity._CHUNK


@pytest.mark.parametrize(
    "size",
    [0, 1, 4096, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 7],
    ids=["empty", "one-byte", "page", "chunk-less-one", "one-chunk", "chunk-plus-one", "two-chunks", "two-and-a-bit"],
)
def test_sha256_file_is_the_sha256_of_the_bytes(tmp_path, size):
    data = random.Random(size).randbytes(size)
    path = tmp_path / "bulletin.html"
    path.write_bytes(data)
    assert fixity.sha256_file(path) == hashlib.sha256(data).hexdigest()


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a.bib", id="existing-folder"),
        pytest.param("bulletins/2023/06/ljq-2023-0601.ris", id="new-nested-folders"),
    ],
)
def test_write_if_changed_makes_missing_folders_and_keeps_unchanged_files(tmp_path, name):
    path = tmp_path / name
    assert write_if_changed(path, "临江区公报\n".encode())
    assert path.read_bytes() == "临江区公报\n".encode()
    mtime = path.stat().st_mtime_ns
    assert not write_if_changed(path, "临江区公报\n".encode())
    assert path.stat().st_mtime_ns == mtime
    assert write_if_changed(path, b"changed\n") and path.read_bytes() == b"changed\n"
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]  # no temporary file left


def jsonld_before(article, settings):
    """The JSON-LD as it was made from every text field of the header."""
    from bulletins.plugins.site_meta import generator

    names = generator.split_names
    meta = {key: generator.as_text(v) for key, v in article.metadata.items() if isinstance(v, (str, list, tuple))}
    return generator.article_jsonld(
        generator.BulletinFacts(
            title=article.title,
            date=generator.datefmt.iso_date(article.date),
            url="",
            identifier=meta.get("identifier", ""),
            publisher=meta.get("publisher", ""),
            region=meta.get("region", ""),
            doc_number=meta.get("docnumber", ""),
            category=str(getattr(article, "category", "") or ""),
            keywords=[t.name for t in getattr(article, "tags", ())],
            people=list(dict.fromkeys(names(meta.get("presider")) + names(meta.get("people")))),
            documents=generator.split_documents(meta.get("documents")),
            summary=meta.get("summary", ""),
            source_url=meta.get("sourceurl", ""),
        )
    )


@pytest.mark.parametrize(
    "metadata",
    [
        pytest.param(
            {
                "identifier": "LJ-20230601-ggwh",
                "publisher": "云溪市临江区人民政府",
                "region": "云溪市临江区",
                "docnumber": "临府发〔2023〕12号",
                "presider": "周明远",
                "people": ["王静", "林晓东"],
                "documents": "《临江区公共文化服务规划》《城市更新方案》",
                "summary": "6月1日，临江区召开推进会。",
                "sourceurl": "https://example.org/ljq/0601.html",
                "date": dt.datetime(2023, 6, 1),
                "checksum": "sha256:00",
            },
            id="every-field",
        ),
        pytest.param({"publisher": "云溪市临江区人民政府", "people": None, "region": 3}, id="non-text-values"),
        pytest.param({}, id="empty-header"),
    ],
)
def test_jsonld_reads_only_its_fields_and_says_the_same(metadata):
    from bulletins.plugins.site_meta.generator import jsonld_for

    article = SimpleNamespace(
        title="临江区推进公共文化服务体系建设",
        date=dt.datetime(2023, 6, 1),
        url="bulletins/2023/06/ljq-2023-0601-ggwh.html",
        metadata=metadata,
        category="工作动态",
        tags=[SimpleNamespace(name="公共文化")],
    )
    assert jsonld_for(article, {}) == jsonld_before(article, {})
