"""The shape of a home page's waiting list: each app builds its own (audits/home.py,
surveys/home.py) and `qa_system.home` puts them on the page by role."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class WaitingItem:
    text: str
    url: str
    overdue: bool = False


@dataclass(frozen=True)
class WaitingList:
    title: str
    empty_text: str
    items: list[WaitingItem] = field(default_factory=list)
