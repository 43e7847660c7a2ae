"""Reading statutory XML returns safely and in constant memory.

Shared by the XML parsers. A return is read with `lxml.etree.iterparse` and each record
element is cleared once handled, so memory does not grow with the file. Any document
type declaration is refused before its content is read: the returns never need one, and
it is the carrier of entity-expansion ("billion laughs") and external-entity attacks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import IO, Any

import pandas as pd
from lxml import etree

from coredata.parsers.base import EARLIEST_PLAUSIBLE_DATE, ProblemCollector

DOCTYPE_REASON = (
    "The file declares a document type (DOCTYPE or ENTITY): returns never need one and it "
    "can carry entity attacks, so the file is refused unread"
)

# How much of the start of a file is searched for a document type declaration before
# parsing; the parser itself is checked again at the first element.
_PROLOG_SCAN_BYTES = 64 * 1024
_PROLOG_MARKUP = re.compile(r"<!DOCTYPE|<!ENTITY|<[A-Za-z_:]")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_TRUE = frozenset(["true", "1"])
_FALSE = frozenset(["false", "0"])


class DoctypeRefused(Exception):
    """The document declares a DTD or entities."""


class _Prepended:
    """A byte stream with an already-read head put back in front of it."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = head
        self._rest = rest

    def read(self, size: int = -1) -> bytes:
        if self._head:
            if size is None or size < 0:
                data, self._head = self._head + self._rest.read(), b""
                return data
            data, self._head = self._head[:size], self._head[size:]
            return data
        return self._rest.read(size)


def _declares_doctype(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = head.decode("utf-16", errors="ignore")
    else:
        # Latin-1 maps every byte, so markup is found in UTF-8 and 8-bit encodings alike.
        text = head.decode("latin-1")
    match = _PROLOG_MARKUP.search(text)
    return match is not None and match.group().startswith("<!")


@contextmanager
def open_checked(source: str | Path | IO[bytes]) -> Iterator[IO[bytes]]:
    """The source as a byte stream; raises DoctypeRefused if its prolog declares a DTD."""
    if isinstance(source, str | Path):
        with open(source, "rb") as stream:
            yield _checked(stream)
    else:
        yield _checked(source)


def _checked(stream: IO[bytes]) -> Any:
    head = stream.read(_PROLOG_SCAN_BYTES)
    if _declares_doctype(head):
        raise DoctypeRefused
    return _Prepended(head, stream)


class SafeElements:
    """Yields each element named in `tags` (any namespace) once it is complete.

    Entities are not resolved, nothing is fetched, no DTD is loaded, and a document that
    turns out to declare a DTD raises DoctypeRefused at its first element. `root` is the
    document element once iteration has finished.
    """

    def __init__(self, stream: IO[bytes], tags: tuple[str, ...]) -> None:
        self._context = etree.iterparse(
            stream,
            events=("start", "end"),
            tag=tuple("{*}" + tag for tag in tags),
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )

    def __iter__(self) -> Iterator[Any]:
        checked = False
        for event, element in self._context:
            if not checked:
                docinfo = element.getroottree().docinfo
                if docinfo.doctype or docinfo.internalDTD is not None:
                    raise DoctypeRefused
                checked = True
            if event == "end":
                yield element

    @property
    def root(self) -> Any:
        return self._context.root


def release(element: Any, on_dropped: Callable[[Any], None] | None = None) -> None:
    """Free a handled element and every earlier sibling still held by its parent."""
    element.clear(keep_tail=True)
    parent = element.getparent()
    if parent is None:
        return
    while element.getprevious() is not None:
        if on_dropped is not None:
            on_dropped(parent[0])
        del parent[0]


def local_name(element: Any) -> str:
    """The tag without any namespace; "" for comments and other non-elements."""
    tag = element.tag
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def group_children(element: Any) -> dict[str, list[Any]]:
    """The element's child elements by local name, in document order."""
    groups: dict[str, list[Any]] = {}
    for child in element:
        name = local_name(child)
        if name:
            groups.setdefault(name, []).append(child)
    return groups


def first_text(groups: dict[str, list[Any]], name: str) -> str | None:
    """The stripped text of the first child called `name`; None when there is none."""
    found = groups.get(name)
    if not found:
        return None
    return (found[0].text or "").strip()


def parse_iso_date(text: str) -> date | None:
    """A YYYY-MM-DD calendar date, or None when the text is not exactly one."""
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def parse_xml_bool(text: str) -> bool | None:
    """xs:boolean as the returns write it (true/false/TRUE/FALSE/0/1); None otherwise."""
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    return None


def add_one_year(day: date) -> date:
    try:
        return day.replace(year=day.year + 1)
    except ValueError:  # 29 February
        return date(day.year + 1, 3, 1)


def build_frame(columns: dict[str, str], values: dict[str, list[Any]]) -> pd.DataFrame:
    """A DataFrame with exactly `columns` (name -> dtype), in that order."""
    return pd.DataFrame(
        {name: pd.Series(values.get(name, []), dtype=dtype) for name, dtype in columns.items()}
    )


Groups = dict[str, list[Any]]


class ElementReader:
    """Reads values out of a return's elements, reporting problems by element path.

    A subclass names its layout: `known` (container -> the child elements it may hold),
    `repeated` (elements whose paths carry an index, "CINdetails[2]") and `not_read`
    (known containers that are accepted but not looked into).
    """

    known: dict[str, frozenset[str]] = {}
    repeated: frozenset[str] = frozenset()
    not_read: frozenset[str] = frozenset()

    def __init__(self, problems: ProblemCollector) -> None:
        self.problems = problems
        self.reference_date: date | None = None  # dates more than a year after it are errors
        self.warned: set[str] = set()

    def error(self, path: str, name: str, value: object, reason: str) -> None:
        self.problems.error(f"{path}/{name}", name, value, reason)

    def warn_once(self, key: str, location: str, name: str, value: str, reason: str) -> None:
        if key not in self.warned:
            self.warned.add(key)
            self.problems.warning(location, name, value, reason)

    # Layout ---------------------------------------------------------------------------

    def check_tree(self, element: Any, path: str) -> None:
        """Warn about unknown elements (once per name) and stray text below `element`."""
        name = local_name(element)
        if name in self.known and len(element):
            self.stray_text(element.text, path, name)
        counts: dict[str, int] = {}
        for sub in element:
            self.check_sub(sub, path, name, counts)

    def check_sub(self, sub: Any, path: str, parent: str, counts: dict[str, int]) -> None:
        name = local_name(sub)
        if not name:
            return
        self.stray_text(sub.tail, path, parent)
        counts[name] = counts.get(name, 0) + 1
        sub_path = f"{path}/{name}[{counts[name]}]" if name in self.repeated else f"{path}/{name}"
        if name not in self.known.get(parent, ()):
            reason = f"Unknown element <{name}> ignored (reported once however often it appears)"
            self.warn_once(name, sub_path, name, "", reason)
        elif name not in self.not_read and (name in self.known or len(sub)):
            self.check_tree(sub, sub_path)

    def stray_text(self, text: str | None, path: str, parent: str) -> None:
        if text and text.strip():
            reason = "Text outside any element is not part of the return and was ignored"
            self.warn_once(f"text in {parent}", path, parent, text.strip(), reason)

    # Values ---------------------------------------------------------------------------

    def required(self, k: Groups, path: str, name: str) -> str | None:
        raw = first_text(k, name)
        if not raw:
            self.error(path, name, "", f"{name} is required but missing or empty")
            return None
        return raw

    def read_date(self, k: Groups, path: str, name: str, *, required: bool = False) -> date | None:
        raw = self.required(k, path, name) if required else first_text(k, name)
        if not raw:
            return None
        value = parse_iso_date(raw)
        reference = self.reference_date
        if value is None:
            reason = "Not a valid date: dates must be real calendar dates written YYYY-MM-DD"
        elif value < EARLIEST_PLAUSIBLE_DATE:
            reason = "The date is before 1900-01-01, which is not plausible"
        elif reference is not None and value > add_one_year(reference):
            reason = f"The date is more than a year after the return's reference date ({reference})"
        else:
            return value
        self.error(path, name, raw, reason)
        return None

    def read_code(
        self, k: Groups, path: str, name: str, allowed: frozenset[str], default: str | None = None
    ) -> str | None:
        raw = first_text(k, name)
        if not raw:
            return default
        if raw not in allowed:
            listed = ", ".join(sorted(allowed))
            self.error(path, name, raw, f"Not a code in the DfE list for {name} ({listed})")
            return None
        return raw

    def read_flag(self, k: Groups, path: str, name: str, *, required: bool = False) -> bool | None:
        raw = self.required(k, path, name) if required else first_text(k, name)
        if not raw:
            return None
        value = parse_xml_bool(raw)
        if value is None:
            self.error(path, name, raw, "Not a yes/no value: use true, false, 1 or 0")
        return value
