"""The reference sample: ``bulletins inspect`` on the seed gives the bulletin as published."""

import functools
import json
import re
import subprocess

import pytest

from bulletins.cli import main
from support.shared import SEED, require

ARGS = ["--year", "2022", "--publisher", "重庆市渝中区人民政府", "--json"]
ATTENDEES = ["黄孝明", "邓光怀", "梁栋", "陈平", "艾正兵", "罗毅", "朱荣堂", "高琳"]
PLANS = ["重庆市渝中区应急管理“十四五”规划", "重庆市渝中区数字经济“十四五”发展规划"]
PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]+\)")


def via_console_script() -> dict:
    return json.loads(_console_script_line())


@functools.cache
def _console_script_line() -> str:
    """The installed command's answer, run once for the module: each run loads the keyword model
    and the pinyin and script tables anew (about 3 CPU s), and the four tests check one answer."""
    result = subprocess.run(
        ["bulletins", "inspect", str(require(SEED)), *ARGS], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 1
    return lines[0]


def via_main(capsys) -> dict:
    assert main(["inspect", str(require(SEED)), *ARGS]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 1
    return json.loads(lines[0])


@pytest.fixture(params=["console-script", "main"])
def seed(request, capsys):
    return via_console_script() if request.param == "console-script" else via_main(capsys)


def test_seed_metadata(seed):
    assert seed["date"] == "2022-02-28"
    assert seed["title"] == "黄茂军主持召开区政府第5次常务会议"
    assert seed["presider"] == "黄茂军"
    assert seed["publisher"] == "重庆市渝中区人民政府"
    assert seed["category"] == "常务会议"
    assert seed["documents"] == PLANS
    assert set(ATTENDEES) <= set(seed["people"])
    assert [p for p in seed["people"] if p in ATTENDEES] == ATTENDEES


def test_seed_body(seed):
    paragraphs = seed["paragraphs"]
    assert len(paragraphs) == 7
    assert not any(PINYIN.search(p) for p in paragraphs)
    assert not any(re.search(r"[A-Za-z]", p) for p in paragraphs)
    assert paragraphs[0].startswith("2月28日，重庆市渝中区政府区长黄茂军主持召开区政府第5次常务会议，")
    assert paragraphs[-1] == "渝中区领导黄孝明、邓光怀、梁栋、陈平、艾正兵、罗毅、朱荣堂、高琳参加。"


def test_seed_nothing_else_lost(seed):
    """Every character of the source survives but the pinyin and the whitespace (punctuation
    is made full-width and the script Simplified, one character for one)."""
    source = PINYIN.sub("", require(SEED).read_text("utf-8"))
    assert len("".join(seed["paragraphs"])) == len(re.sub(r"\s", "", source))


def test_seed_identity_is_stable(seed):
    assert re.fullmatch(r"2022-0228-[0-9A-F]{8}", seed["identifier"])
    assert seed["slug"] == "000-8999f5b1fbddfc77"
