"""A text's own headline: its first line a headline, its second line only a date.

Scraped and typed bulletins often open so (``青溪区召开防汛工作会议`` / ``2023年5月6日`` /
``5月6日，青溪区…``): a page's title and dateline copied above its text. Such a text that is no
公文 and whose source gives no title has that headline as its title (``TitleSource: source``),
that date as its date (``DateSource: text``), and its body from the third line on, so the page
does not show its title twice and a bare date as a paragraph. A first line that is a sentence
(punctuation in it, as a seed-style bulletin's lead) or a date, or a second line that is more
than a date (with a 发布时间/日期 label and a time of day at most), is no headline: the text
is read as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bulletins.ingest.dates import ascii_digits, date_of, parse_date

_DATE_ONLY = re.compile(
    r"^(?:(?:发布|发文|成文|更新)?(?:时间|日期)\s*[：:]\s*)?"
    r"(?P<y>(?:19|20)\d{2})\s*[年\-/.]\s*(?P<m>\d{1,2})\s*[月\-/.]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:\s+\d{1,2}[:：]\d{2}(?:[:：]\d{2})?)?$"
)
_SENTENCE = re.compile(r"[，。！？；：,;!?:]")
MAX_HEADLINE = 60  # characters


def headline(lines: Sequence[str]) -> tuple[str, str] | None:
    """(title, ISO date) when LINES open with a headline and a line that is only its date, and
    a body follows; None otherwise."""
    if len(lines) < 3:
        return None
    first, second = lines[0].strip(), ascii_digits(lines[1].strip())
    found = _DATE_ONLY.match(second)
    if found is None or not 4 <= len(first) <= MAX_HEADLINE:
        return None
    if _SENTENCE.search(first) or _DATE_ONLY.match(first) or parse_date(first) is not None:
        return None
    day = date_of(found["y"], found["m"], found["d"])
    return (first, day.isoformat()) if day is not None else None
