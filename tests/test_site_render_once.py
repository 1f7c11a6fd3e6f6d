"""Template parts rendered once per build instead of once per page, and the filter that
replaces per-key lookups: the same output, less work."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from jinja2 import DictLoader, Environment

from bulletins.plugins.site_meta.generator import bulletin_item, render_once, with_values

PROVENANCE = (("source", "来源文件"), ("sourceline", "行号"), ("note", "附注"))


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        pytest.param({}, [], id="none"),
        pytest.param(
            {"source": "sources/qingxi-2023.jsonl.gz", "sourceline": "12"},
            [("source", "来源文件", "sources/qingxi-2023.jsonl.gz"), ("sourceline", "行号", "12")],
            id="in-pair-order",
        ),
        pytest.param(
            {"note": "（此件公开发布）", "source": ""}, [("note", "附注", "（此件公开发布）")], id="empty-left-out"
        ),
        pytest.param({"other": "x", "note": None}, [], id="unknown-and-none"),
    ],
)
def test_with_values_keeps_the_pairs_that_have_a_value(meta, expected):
    assert with_values(PROVENANCE, meta) == expected


def test_render_once_renders_a_template_once_per_environment():
    env = Environment(loader=DictLoader({"_part.html": "{% for n in (1, 2) %}<b>{{ n }}</b>{% endfor %}"}))
    calls = []
    real = env.get_template
    env.get_template = lambda name: calls.append(name) or real(name)
    assert render_once(env, "_part.html") == "<b>1</b><b>2</b>"
    assert render_once(env, "_part.html") == "<b>1</b><b>2</b>"
    assert calls == ["_part.html"]


ITEM = (
    "{% macro item(a, root, role, label) %}"
    '<li><a href="{{ root }}/{{ a.url }}">{{ a.title }}</a>{{ label }}</li>'
    "{% endmacro %}"
)


@pytest.fixture()
def items_env():
    env = Environment(loader=DictLoader({"_macros.html": ITEM}), autoescape=True)
    rendered = []
    module = env.get_template("_macros.html").module
    real_item = module.item
    module.item = lambda *args: rendered.append(args[:2]) or real_item(*args)
    env.get_template = lambda name: SimpleNamespace(module=module)
    return env, rendered


def test_bulletin_item_renders_an_entry_once_per_depth(items_env):
    env, rendered = items_env
    a = SimpleNamespace(url="bulletins/2023/06/qx-0615.html", title="青溪区召开<防汛>会议")
    b = SimpleNamespace(url="bulletins/2023/06/qx-0616.html", title="青溪区安全生产检查")
    first = bulletin_item(env, a, "..")
    assert first == '<li><a href="../bulletins/2023/06/qx-0615.html">青溪区召开&lt;防汛&gt;会议</a>None</li>'
    assert bulletin_item(env, a, "..") == first  # a second list at the same depth: no rendering
    bulletin_item(env, b, "..")
    assert bulletin_item(env, a, "..", "presided", "主持").endswith("主持</li>")  # a role is its own entry
    assert bulletin_item(env, a, "../..").startswith('<li><a href="../../bulletins/')  # another depth
    assert bulletin_item(env, a, "..") == first  # rendered again: only the current depth is kept
    assert [root for _, root in rendered] == ["..", "..", "..", "../..", ".."]
