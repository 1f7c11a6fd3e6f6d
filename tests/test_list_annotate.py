"""Each article's people, documents and neighbours as ``annotate_articles`` sets them: the pairs
its page links, in the order its headers give them, and the newer and older article."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from bulletins.plugins.list_pages.annotate import annotate_articles
from bulletins.site.entities import PRESIDED

PERSONS = {"周明远": "persons/zhou.html", "林晓岚": "persons/lin.html", "何建平": "persons/he.html"}
TITLES = {"《临江市河道管理办法》": "documents/hedao.html", "《通知》": "documents/tongzhi.html"}

CASES = [
    # (people: (name, role) pairs, documents, presider pairs, people pairs, document pairs)
    ([], [], (), (), ()),
    ([("周明远", PRESIDED)], [], (("周明远", PERSONS["周明远"]),), (), ()),
    (
        [("林晓岚", "attended"), ("周明远", PRESIDED), ("何建平", "attended")],
        [("《通知》", "cited")],
        (("周明远", PERSONS["周明远"]),),
        (("林晓岚", PERSONS["林晓岚"]), ("何建平", PERSONS["何建平"])),
        (("《通知》", TITLES["《通知》"]),),
    ),
    (
        [],
        [("《临江市河道管理办法》", "cited"), ("《通知》", "cited")],
        (),
        (),
        (("《临江市河道管理办法》", TITLES["《临江市河道管理办法》"]), ("《通知》", TITLES["《通知》"])),
    ),
    ([("何建平", "attended")], [], (), (("何建平", PERSONS["何建平"]),), ()),
]


@pytest.mark.parametrize("order", [list(range(len(CASES))), list(reversed(range(len(CASES))))])
def test_links_and_neighbours_are_the_articles_own(order):
    newest = [SimpleNamespace(n=i) for i in order]
    people = [CASES[i][0] for i in order]
    documents = [CASES[i][1] for i in order]
    persons = [SimpleNamespace(name=n, url=u) for n, u in PERSONS.items()]
    titles = [SimpleNamespace(name=n, url=u) for n, u in TITLES.items()]
    annotate_articles(newest, people, documents, persons, titles)
    for at, article in enumerate(newest):
        _, _, presider, named, cited = CASES[article.n]
        assert (article.bulletins_presider, article.bulletins_people, article.bulletins_documents) == (
            presider,
            named,
            cited,
        )
        assert all(type(v) is tuple for v in (presider, named, cited))
        assert article.bulletins_next is (newest[at - 1] if at else None)
        assert article.bulletins_prev is (newest[at + 1] if at + 1 < len(newest) else None)


def test_a_name_no_entity_page_has_is_an_error():
    """Every name an article gives has its entity (both are made from the same headers)."""
    with pytest.raises(KeyError):
        annotate_articles([SimpleNamespace()], [[("无名氏", "attended")]], [[]], [], [])


def test_articles_naming_one_name_share_its_pair():
    """A pair is the name's, not the article's: two articles citing one document (or naming one
    person) hold the same tuple, so a million bulletins citing a few thousand documents hold a
    few thousand pairs."""
    order = [2, 3, 0, 2]
    newest = [SimpleNamespace(n=i) for i in order]
    persons = [SimpleNamespace(name=n, url=u) for n, u in PERSONS.items()]
    titles = [SimpleNamespace(name=n, url=u) for n, u in TITLES.items()]
    annotate_articles(newest, [CASES[i][0] for i in order], [CASES[i][1] for i in order], persons, titles)
    first, second, _, third = newest
    assert first.bulletins_documents[0] is second.bulletins_documents[1] is third.bulletins_documents[0]
    assert first.bulletins_presider[0] is third.bulletins_presider[0]
    assert first.bulletins_people == third.bulletins_people
    assert all(a is b for a, b in zip(first.bulletins_people, third.bulletins_people))
