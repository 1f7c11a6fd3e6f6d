"""Sample texts for the source-reading tests (original text about a fictional district)."""

from __future__ import annotations

from support.shared import SEED

SIMPLIFIED = (
    "3月14日，临江市青溪区区长周文澜主持召开区政府第6次常务会议，研究春季防汛和老旧小区改造工作。\n"
    "会议指出，要压实责任，细化措施，确保汛期群众生命财产安全。\n"
    "区领导许明远、韩素琴、陆承平参加。"
)
TRADITIONAL = (
    "3月14日,臨江市青溪區(qū)區(qū)長周文瀾主持召開區(qū)政府第6次常務會議,研究春季防汛和老舊小區(qū)改造工作。\n"
    "會議指出,要壓實責任,細化措施,確保汛期群眾生命財產安全。\n"
    "區(qū)領導許明遠、韓素琴、陸承平參加。"
)


def seed_text() -> str | None:
    """The seed bulletin's text, or None when ../shared is absent."""
    return SEED.read_text(encoding="utf-8") if SEED.exists() else None
