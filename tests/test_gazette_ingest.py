"""Ingest writes the gazette fields: the issue from every place it can come from, dates and
relations from the text, and ``inspect --json`` shows them."""

from __future__ import annotations

import json

import pytest

from bulletins.cli import main
from bulletins.ingest.frontmatter import parse_article, read_article, render_article

NOTICE = """澄府发〔2024〕3号
澄溪区人民政府关于印发《澄溪区河道管理办法》的通知
各街道办事处，区政府各部门：
第四条 本办法自2024年3月1日起施行，有效期5年。《澄溪区河道管理暂行办法》（澄府发〔2020〕12号）同时废止。
澄溪区人民政府
2024年2月10日
"""
RECORD = {"id": "r1", "date": "2024-02-11", "title": "《澄溪区河道管理办法》政策解读", "text": "一、起草背景。"}


def inspect(tmp_path, capsys, *args):
    assert main(["inspect", *args, "--json", "--jobs", "1"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize(
    "folder, defaults, record_issue, option, expected",
    [
        pytest.param("src", None, None, None, "", id="none"),
        pytest.param("src/2024年第3期", None, None, None, "2024年第3期", id="folder-name"),
        pytest.param("src", 'issue = "2024年 第 4 期"', None, None, "2024年第4期", id="defaults-toml"),
        pytest.param("src/2024年第3期", None, None, "2024-5", "2024年第5期", id="option-over-folder"),
        pytest.param(
            "src", None, "2024年第6期（总第30期）", "2024-5", "2024年第6期（总第30期）", id="record-over-option"
        ),
    ],
)
def test_issue_comes_from(tmp_path, monkeypatch, capsys, folder, defaults, record_issue, option, expected):
    monkeypatch.chdir(tmp_path)
    (tmp_path / folder).mkdir(parents=True)
    (tmp_path / folder / "notice.txt").write_text(NOTICE, encoding="utf-8")
    record = dict(RECORD, issue=record_issue) if record_issue else RECORD
    (tmp_path / folder / "c.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    if defaults:
        (tmp_path / folder / "defaults.toml").write_text(defaults + "\n", encoding="utf-8")
    records = inspect(tmp_path, capsys, folder, *(["--issue", option] if option else []))
    issues = {r["title"][-2:]: r["issue"] for r in records}
    assert issues["解读"] == expected
    if not record_issue:
        assert issues["通知"] == expected


def test_inspect_shows_lifecycle_and_relations(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "c.jsonl").write_text(json.dumps(RECORD, ensure_ascii=False) + "\n", encoding="utf-8")
    notice, reading = inspect(tmp_path, capsys, "notice.txt", "c.jsonl")
    assert {k: notice[k] for k in ("date_effective", "date_expires", "repeals", "amends", "status")} == {
        "date_effective": "2024-03-01",
        "date_expires": "2029-02-28",
        "repeals": ["《澄溪区河道管理暂行办法》（澄府发〔2020〕12号）"],
        "amends": [],
        "status": "现行有效",
    }
    assert notice["doc_number"] == "澄府发〔2024〕3号"
    assert (reading["interprets"], reading["status"], reading["date_effective"]) == (["《澄溪区河道管理办法》"], "", "")


def test_bad_issue_option_is_a_usage_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["inspect", str(tmp_path), "--issue", "总第812期"])
    assert exit_.value.code == 2 and "not a gazette issue" in capsys.readouterr().err


def test_bad_issue_in_defaults_is_reported(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notice.txt").write_text(NOTICE, encoding="utf-8")
    (tmp_path / "defaults.toml").write_text('issue = "第三期"\n', encoding="utf-8")
    assert main(["inspect", "notice.txt", "--json", "--jobs", "1"]) == 1
    assert "issue must be a gazette issue" in capsys.readouterr().err


def test_header_round_trip(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "src").mkdir()
    (tmp_path / "src/notice.txt").write_text(NOTICE, encoding="utf-8")
    assert main(["ingest", "src", "--issue", "2024年第3期", "--jobs", "1"]) == 0
    (path,) = (tmp_path / "content").rglob("*.md")
    text = path.read_text(encoding="utf-8")
    header = parse_article(text)
    assert {k: header.get(k) for k in ("Issue", "DateEffective", "DateExpires", "Repeals")} == {
        "Issue": "2024年第3期",
        "DateEffective": "2024-03-01",
        "DateExpires": "2029-02-28",
        "Repeals": "《澄溪区河道管理暂行办法》（澄府发〔2020〕12号）",
    }
    assert render_article(read_article(text)) == text
