"""Answers: the choices a question offers, checking an answer, and what counts as a
positive or an unsafe answer. Pure functions (no database)."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from surveys.models.templates import QuestionKind

FREE_TEXT_MAX = 2000

Answer = int | str

_AGREE = [
    (5, _("Strongly agree")),
    (4, _("Agree")),
    (3, _("Neither agree nor disagree")),
    (2, _("Disagree")),
    (1, _("Strongly disagree")),
]
_YES_NO = [(1, _("Yes")), (0, _("No"))]
_FACES3 = [(3, _("Happy")), (2, _("In between")), (1, _("Sad"))]
_FACES5 = [
    (5, _("Very happy")),
    (4, _("Happy")),
    (3, _("In between")),
    (2, _("Sad")),
    (1, _("Very sad")),
]

VALUES: dict[str, range] = {
    QuestionKind.AGREE5: range(1, 6),
    QuestionKind.SCALE_0_10: range(0, 11),
    QuestionKind.YES_NO: range(0, 2),
    QuestionKind.FACES3: range(1, 4),
    QuestionKind.FACES5: range(1, 6),
}


def answer_choices(kind: str, language: str = "en") -> list[tuple[int, str]]:
    """The answers a question offers, in display order, with labels in `language`
    (Django i18n). Free text offers none."""
    with override(language):
        if kind == QuestionKind.AGREE5:
            return [(value, str(label)) for value, label in _AGREE]
        if kind == QuestionKind.YES_NO:
            return [(value, str(label)) for value, label in _YES_NO]
        if kind == QuestionKind.FACES3:
            return [(value, str(label)) for value, label in _FACES3]
        if kind == QuestionKind.FACES5:
            return [(value, str(label)) for value, label in _FACES5]
        if kind == QuestionKind.SCALE_0_10:
            return [(value, str(value)) for value in range(11)]
    return []


def answer_parse(kind: str, raw: str) -> Answer | None:
    """The stored form of a submitted answer, None when it is empty.

    Raises ValueError when the answer is not one the question offers.
    """
    raw = (raw or "").strip()
    if not raw:
        return None
    if kind == QuestionKind.FREE_TEXT:
        if len(raw) > FREE_TEXT_MAX:
            raise ValueError("too long")
        return raw
    value = int(raw)  # ValueError for anything else
    if value not in VALUES[kind]:
        raise ValueError("not an answer this question offers")
    return value


def answer_valid(kind: str, value: object) -> bool:
    """Whether a stored answer has the right shape for its question."""
    if kind == QuestionKind.FREE_TEXT:
        return isinstance(value, str) and 0 < len(value) <= FREE_TEXT_MAX
    return isinstance(value, int) and not isinstance(value, bool) and value in VALUES[kind]


def is_positive(kind: str, value: int) -> bool:
    """A positive answer, for the indicators and '% positive' per question:
    agree or strongly agree, 7 or more out of 10, yes, the happy face(s)."""
    if kind in (QuestionKind.AGREE5, QuestionKind.FACES5):
        return value >= 4
    if kind == QuestionKind.SCALE_0_10:
        return value >= 7
    if kind == QuestionKind.YES_NO:
        return value == 1
    if kind == QuestionKind.FACES3:
        return value == 3
    return False


def is_unsafe(kind: str, value: object) -> bool:
    """An answer to a 'feel safe' question that raises a child safety alert: disagree
    or strongly disagree, the sad face(s), no, or 3 or less out of 10. 'Neither' and the
    in-between face do not (the worker still sees them in the results)."""
    if not isinstance(value, int):
        return False
    if kind in (QuestionKind.AGREE5, QuestionKind.FACES5):
        return value <= 2
    if kind == QuestionKind.FACES3:
        return value == 1
    if kind == QuestionKind.YES_NO:
        return value == 0
    if kind == QuestionKind.SCALE_0_10:
        return value <= 3
    return False
