"""The CIN census return (DfE children in need census XML, 2021-22 to 2025-26 layouts).

`parse_cin_census(source, file_name=...)` reads one return, streaming (each `Child` is
freed once read), and gives a `ParseResult` of kind "cin_census".

meta: `collection_year` (int, Header/CollectionDetails/Year), `reference_date` (date,
ReferenceDate), `la_code` (3-digit string, Header/Source/LEA); None when missing or bad.

tables (strings "string", dates "datetime64[ns]" at midnight or NaT, counts "Int64",
flags "boolean"):

- children: child_id, upn_present, birth_date, expected_birth_date, sex (M/F/U, from
  GenderCurrent 1/2/0/9 up to 2023-24 or Sex from 2024-25), death_date, ethnicity,
  source_row (the Child's element path, e.g. "/Message/Children/Child[3]").
- referrals (one per CINdetails): child_id, referral_date, referral_source (absent or
  empty counts as "10"), primary_need, closure_date, closure_reason, referral_nfa,
  initial_cpc_date (DateOfInitialCPC on the CINdetails), source_path.
- assessments: child_id, referral_date, start_date, authorisation_date, factors (the
  AssessmentFactors codes joined with ","), source_path.
- cin_plans: child_id, referral_date, start_date, end_date, source_path.
- section47: child_id, referral_date, start_date, icpc_date, icpc_not_required,
  source_path.
- cp_plans: child_id, referral_date, start_date, end_date, initial_category,
  latest_category, previous_plans, source_path.

In the module tables `referral_date` is the parent CINdetails' CINreferralDate, the key
linking a module to its episode. A child, episode or module without its key (LAchildID,
referral date, start date), or a duplicate of one already read, is left out of the
tables; a bad value elsewhere is reported and stored as missing.

Errors (the caller rejects the file): a DOCTYPE or malformed XML; a missing or bad
Header; missing required elements; dates that are not YYYY-MM-DD calendar dates, are
before 1900 or more than a year after the reference date; codes outside the DfE lists
(referral source, primary need, closure reason, category of abuse, sex or gender);
ReferralNFA or ICPCnotRequired not a boolean; NumberOfPreviousCPP not a whole number
0-999; closure before referral, plan end before start, authorisation before assessment
start; a closure date without a reason or the reverse; a second open, non-NFA episode
for a child; a repeated LAchildID, episode (child and referral date) or module (child,
kind and start date). Warnings: a module starting before its referral date, an unknown
assessment factor, unknown elements (once per name), stray text, a reference date that
is not 31 March of the collection year. The 2025-26 PreProceedingsandFGDM block is
accepted and not read.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import IO, Any

from lxml import etree

from coredata import codes
from coredata.parsers import _xml
from coredata.parsers._xml import Groups
from coredata.parsers.base import ParseResult, ProblemCollector

KIND = "cin_census"
_S, _D, _I, _B = "string", "datetime64[ns]", "Int64", "boolean"
_MODULE_KEYS = {"child_id": _S, "referral_date": _D, "start_date": _D}
COLUMNS: dict[str, dict[str, str]] = {
    "children": {
        "child_id": _S, "upn_present": _B, "birth_date": _D, "expected_birth_date": _D,
        "sex": _S, "death_date": _D, "ethnicity": _S, "source_row": _S,
    },
    "referrals": {
        "child_id": _S, "referral_date": _D, "referral_source": _S, "primary_need": _S,
        "closure_date": _D, "closure_reason": _S, "referral_nfa": _B, "initial_cpc_date": _D,
        "source_path": _S,
    },
    "assessments": {
        **_MODULE_KEYS, "authorisation_date": _D, "factors": _S, "source_path": _S,
    },
    "cin_plans": {**_MODULE_KEYS, "end_date": _D, "source_path": _S},
    "section47": {
        **_MODULE_KEYS, "icpc_date": _D, "icpc_not_required": _B, "source_path": _S,
    },
    "cp_plans": {
        **_MODULE_KEYS, "end_date": _D, "initial_category": _S, "latest_category": _S,
        "previous_plans": _I, "source_path": _S,
    },
}  # fmt: skip

# The elements each container may hold (CIN_schema_2017-2024 plus the 2025-26 layout).
_KNOWN: dict[str, frozenset[str]] = {
    name: frozenset(children.split())
    for name, children in {
        "Message": "Header Children",
        "Children": "Child",
        "Header": "CollectionDetails Source",
        "CollectionDetails": "Collection Year ReferenceDate",
        "Source": "SourceLevel LEA SoftwareCode Release SerialNo DateTime",
        "Child": "ChildIdentifiers ChildCharacteristics CINdetails",
        "ChildIdentifiers": "LAchildID UPN FormerUPN UPNunknown PersonBirthDate "
        "ExpectedPersonBirthDate GenderCurrent Sex PersonDeathDate",
        "ChildCharacteristics": "Ethnicity Disabilities",
        "Disabilities": "Disability",
        "CINdetails": "CINreferralDate ReferralSource PrimaryNeedCode CINclosureDate "
        "ReasonForClosure DateOfInitialCPC Assessments CINPlanDates Section47 ReferralNFA "
        "ChildProtectionPlans PreProceedingsandFGDM",
        "Assessments": "AssessmentActualStartDate AssessmentInternalReviewDate "
        "AssessmentAuthorisationDate FactorsIdentifiedAtAssessment",
        "FactorsIdentifiedAtAssessment": "AssessmentFactors",
        "CINPlanDates": "CINPlanStartDate CINPlanEndDate",
        "Section47": "S47ActualStartDate InitialCPCtarget DateOfInitialCPC ICPCnotRequired",
        "ChildProtectionPlans": "CPPstartDate CPPendDate InitialCategoryOfAbuse "
        "LatestCategoryOfAbuse NumberOfPreviousCPP Reviews",
        "Reviews": "CPPreviewDate",
    }.items()
}
_NOT_READ = frozenset(["PreProceedingsandFGDM"])  # 2025-26 layout: accepted, not imported
_REPEATED = frozenset(
    ["Child", "CINdetails", "Assessments", "CINPlanDates", "Section47", "ChildProtectionPlans",
     "Disability", "AssessmentFactors", "CPPreviewDate"]
)  # fmt: skip
# CIN_schema_2022.xsd assessmentfactorstype; an unknown factor is warned about, not fatal.
ASSESSMENT_FACTORS = frozenset(
    ["1A", "1B", "1C", "2A", "2B", "2C", "3A", "3B", "3C", "4A", "4B", "4C", "5A", "5B", "5C",
     "6A", "6B", "6C", "7A", "8B", "8C", "8D", "8E", "8F", "9A", "10A", "11A", "12A", "13A",
     "14A", "15A", "16A", "17A", "18B", "18C", "19B", "19C", "20", "21", "22A", "23A", "24A"]
)  # fmt: skip
_GENDER_CODES = frozenset(codes.GENDER_CURRENT_TO_SEX)
_SOURCES = codes.REFERRAL_SOURCES
_MODULE_LABELS = {
    "assessments": "assessment",
    "cin_plans": "CIN plan",
    "section47": "section 47 enquiry",
    "cp_plans": "child protection plan",
}
_MAX_PREVIOUS_PLANS = 999


def parse_cin_census(source: str | Path | IO[bytes], *, file_name: str) -> ParseResult:
    """Read a CIN census XML return: a path or a binary stream.

    Never raises for bad content: unreadable, hostile or invalid files come back as error
    problems (see the module docstring for the tables and the checks).
    """
    problems = ProblemCollector(file_name)
    reader = _Reader(problems)
    try:
        with _xml.open_checked(source) as stream:
            elements = _xml.SafeElements(stream, ("Header", "Child"))
            for element in elements:
                reader.read(element)
            reader.finish(elements.root)
    except _xml.DoctypeRefused:
        problems.error("/", "DOCTYPE", "", _xml.DOCTYPE_REASON)
        reader.discard()
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (exc.lineno or 0, 0)
        message = exc.msg.split(", line ")[0] if exc.msg else "unreadable"
        problems.error(
            f"line {line}",
            "XML",
            "",
            f"The file is not well-formed XML at line {line}, column {column}: {message}",
        )
        reader.discard()
    return ParseResult(
        kind=KIND,
        file_name=file_name,
        tables={name: _xml.build_frame(cols, reader.rows[name]) for name, cols in COLUMNS.items()},
        problems=problems.problems,
        meta=reader.meta,
    )


Owner = tuple[str | None, date | None]


class _Reader(_xml.ElementReader):
    """The state of one file's reading: its rows, and the keys seen so far."""

    known = _KNOWN
    repeated = _REPEATED
    not_read = _NOT_READ

    def __init__(self, problems: ProblemCollector) -> None:
        super().__init__(problems)
        self.meta: dict[str, object] = dict.fromkeys(
            ["collection_year", "reference_date", "la_code"]
        )
        self.rows: dict[str, dict[str, list[Any]]] = {}
        self.discard()
        self.header_seen = False
        self.child_count = 0
        self.child_paths: dict[str, str] = {}
        self.referral_paths: dict[tuple[str, date], str] = {}
        self.open_paths: dict[str, str] = {}
        self.module_paths: dict[tuple[str, str, date], str] = {}

    def discard(self) -> None:
        self.rows = {name: {col: [] for col in cols} for name, cols in COLUMNS.items()}

    def add(self, table: str, values: list[Any]) -> None:
        """Append a row, its values in the table's COLUMNS order."""
        for items, value in zip(self.rows[table].values(), values, strict=True):
            items.append(value)

    # The document ---------------------------------------------------------------------

    def read(self, element: Any) -> None:
        parent = element.getparent()
        ancestors = reversed(list(element.iterancestors()))
        parent_path = "".join("/" + _xml.local_name(a) for a in ancestors)
        if _xml.local_name(element) == "Header":
            if parent is not None and parent.getparent() is None:
                self.header(element, f"{parent_path}/Header")
                element.clear(keep_tail=True)
            return
        self.child_count += 1
        self.child(element, f"{parent_path}/Child[{self.child_count}]")
        parent_name = _xml.local_name(parent) if parent is not None else ""
        self.stray_text(element.tail, parent_path, parent_name)
        _xml.release(element, lambda gone: self.check_sub(gone, parent_path, parent_name, {}))

    def finish(self, root: Any) -> None:
        name = _xml.local_name(root)
        if name != "Message":
            reason = "The root element is not <Message>: this is not a CIN census return"
            self.problems.error("/", "Message", name, reason)
        self.check_tree(root, "/" + name)
        if not self.header_seen:
            reason = "The file has no Header: its collection year, reference date and LA code"
            self.problems.error("/Message/Header", "Header", "", reason + " are needed")
        if self.child_count == 0:
            self.problems.error("/Message/Children", "Child", "", "The file holds no Child")

    # Records --------------------------------------------------------------------------

    def header(self, element: Any, path: str) -> None:
        self.header_seen = True
        self.check_tree(element, path)
        k = _xml.group_children(element)
        cd_path = f"{path}/CollectionDetails"
        cd = _xml.group_children(k["CollectionDetails"][0]) if "CollectionDetails" in k else {}
        year = self.required(cd, cd_path, "Year")
        if year and not (len(year) == 4 and year.isascii() and year.isdigit()):
            self.error(cd_path, "Year", year, "Not a four-digit year")
            year = None
        self.meta["collection_year"] = int(year) if year else None
        reference = self.read_date(cd, cd_path, "ReferenceDate", required=True)
        self.meta["reference_date"] = self.reference_date = reference
        if reference is not None and year and reference != date(int(year), 3, 31):
            reason = f"The reference date is not 31 March of the collection year ({year})"
            self.problems.warning(f"{cd_path}/ReferenceDate", "ReferenceDate", reference, reason)
        source = _xml.group_children(k["Source"][0]) if "Source" in k else {}
        lea = self.required(source, f"{path}/Source", "LEA")
        if lea and not (len(lea) == 3 and lea.isascii() and lea.isdigit()):
            self.error(f"{path}/Source", "LEA", lea, "Not a 3-digit LA code")
            lea = None
        self.meta["la_code"] = lea

    def child(self, element: Any, path: str) -> None:
        self.check_tree(element, path)
        k = _xml.group_children(element)
        ids_path = f"{path}/ChildIdentifiers"
        ids = _xml.group_children(k["ChildIdentifiers"][0]) if "ChildIdentifiers" in k else {}
        child_id = self.required(ids, ids_path, "LAchildID")
        if child_id in self.child_paths:
            first = self.child_paths[child_id]
            reason = f"The same LAchildID is already used at {first}: each child appears once"
            self.error(ids_path, "LAchildID", child_id, reason)
            child_id = None
        elif child_id:
            self.child_paths[child_id] = path
        if "Sex" in ids:
            sex = self.read_code(ids, ids_path, "Sex", codes.SEX_CODES)
        else:
            gender = self.read_code(ids, ids_path, "GenderCurrent", _GENDER_CODES)
            sex = codes.GENDER_CURRENT_TO_SEX.get(gender or "")
        chars = k.get("ChildCharacteristics", [])
        ethnicity = _xml.first_text(_xml.group_children(chars[0]), "Ethnicity") if chars else None
        birth = self.read_date(ids, ids_path, "PersonBirthDate")
        expected = self.read_date(ids, ids_path, "ExpectedPersonBirthDate")
        death = self.read_date(ids, ids_path, "PersonDeathDate")
        if child_id:
            upn = bool(_xml.first_text(ids, "UPN"))
            row = [child_id, upn, birth, expected, sex, death, ethnicity or None, path]
            self.add("children", row)
        for n, details in enumerate(k.get("CINdetails", []), start=1):
            self.cin_details(details, f"{path}/CINdetails[{n}]", child_id)

    def cin_details(self, element: Any, path: str, child_id: str | None) -> None:
        k = _xml.group_children(element)
        referral = self.read_date(k, path, "CINreferralDate", required=True)
        source = self.read_code(k, path, "ReferralSource", codes.REFERRAL_SOURCES, default="10")
        need = self.read_code(k, path, "PrimaryNeedCode", codes.PRIMARY_NEED_CODES)
        closure = self.read_date(k, path, "CINclosureDate")
        reason_code = self.read_code(k, path, "ReasonForClosure", codes.CLOSURE_REASONS)
        nfa = self.read_flag(k, path, "ReferralNFA", required=True)
        icpc = self.read_date(k, path, "DateOfInitialCPC")
        closed = bool(_xml.first_text(k, "CINclosureDate"))
        has_reason = bool(_xml.first_text(k, "ReasonForClosure"))
        if referral and closure and closure < referral:
            self.error(path, "CINclosureDate", closure, "The closure date is before the referral")
        if closed and not has_reason:
            reason = "A closure date is recorded without a reason for closure"
            self.error(path, "ReasonForClosure", "", reason)
        if has_reason and not closed:
            reason = "A reason for closure is recorded without a closure date"
            self.error(path, "CINclosureDate", "", reason)
        keep = child_id is not None and referral is not None
        if child_id is not None and referral is not None:
            first = self.referral_paths.setdefault((child_id, referral), path)
            if first != path:
                reason = f"The child has another CINdetails with this referral date, at {first}"
                self.error(path, "CINreferralDate", referral, reason)
                keep = False
        if keep and child_id is not None and not closed and nfa is not True:
            first = self.open_paths.setdefault(child_id, path)
            if first != path:
                reason = (
                    f"The child already has an open episode (no closure date) at {first}; "
                    "only one may be open unless it is a no-further-action referral"
                )
                self.error(path, "CINclosureDate", "", reason)
        if keep:
            row = [child_id, referral, source, need, closure, reason_code, nfa, icpc, path]
            self.add("referrals", row)
        owner: Owner = (child_id if keep else None, referral)
        for name, read in (
            ("Assessments", self.assessment),
            ("CINPlanDates", self.cin_plan),
            ("Section47", self.section47),
            ("ChildProtectionPlans", self.cp_plan),
        ):
            for n, sub in enumerate(k.get(name, []), start=1):
                read(_xml.group_children(sub), f"{path}/{name}[{n}]", owner)

    def module_start(
        self, table: str, k: Groups, path: str, name: str, owner: Owner
    ) -> date | None:
        """The module's start date, checked against its referral and the modules read.

        None when the module cannot be kept: no usable start, no episode, or a duplicate.
        """
        start = self.read_date(k, path, name, required=True)
        child_id, referral = owner
        label = _MODULE_LABELS[table]
        if start is not None and referral is not None and start < referral:
            reason = f"The {label} starts before its referral date (suspicious but allowed)"
            self.problems.warning(f"{path}/{name}", name, start, reason)
        if start is None or child_id is None:
            return None
        first = self.module_paths.setdefault((table, child_id, start), path)
        if first != path:
            reason = f"The child has another {label} starting on this date, at {first}"
            self.error(path, name, start, reason)
            return None
        return start

    def end_date(
        self, k: Groups, path: str, name: str, start: date | None, reason: str
    ) -> date | None:
        end = self.read_date(k, path, name)
        if end is not None and start is not None and end < start:
            self.error(path, name, end, reason)
        return end

    def assessment(self, k: Groups, path: str, owner: Owner) -> None:
        start = self.module_start("assessments", k, path, "AssessmentActualStartDate", owner)
        reason = "The assessment is authorised before it starts"
        authorised = self.end_date(k, path, "AssessmentAuthorisationDate", start, reason)
        factors = []
        for holder in k.get("FactorsIdentifiedAtAssessment", []):
            for factor in _xml.group_children(holder).get("AssessmentFactors", []):
                value = (factor.text or "").strip()
                if value and value not in ASSESSMENT_FACTORS:
                    where = f"{path}/FactorsIdentifiedAtAssessment/AssessmentFactors"
                    reason = "Not an assessment factor in the DfE list; kept as recorded"
                    self.problems.warning(where, "AssessmentFactors", value, reason)
                if value:
                    factors.append(value)
        if start is not None:
            row = [*owner, start, authorised, ",".join(factors) or None, path]
            self.add("assessments", row)

    def cin_plan(self, k: Groups, path: str, owner: Owner) -> None:
        start = self.module_start("cin_plans", k, path, "CINPlanStartDate", owner)
        end = self.end_date(k, path, "CINPlanEndDate", start, "The CIN plan ends before it starts")
        if start is not None:
            self.add("cin_plans", [*owner, start, end, path])

    def section47(self, k: Groups, path: str, owner: Owner) -> None:
        start = self.module_start("section47", k, path, "S47ActualStartDate", owner)
        icpc = self.read_date(k, path, "DateOfInitialCPC")
        not_required = self.read_flag(k, path, "ICPCnotRequired")
        if start is not None:
            self.add("section47", [*owner, start, icpc, not_required, path])

    def cp_plan(self, k: Groups, path: str, owner: Owner) -> None:
        start = self.module_start("cp_plans", k, path, "CPPstartDate", owner)
        reason = "The child protection plan ends before it starts"
        end = self.end_date(k, path, "CPPendDate", start, reason)
        initial = self.read_code(k, path, "InitialCategoryOfAbuse", codes.ABUSE_CATEGORIES)
        latest = self.read_code(k, path, "LatestCategoryOfAbuse", codes.ABUSE_CATEGORIES)
        raw = _xml.first_text(k, "NumberOfPreviousCPP")
        previous = int(raw) if raw and raw.isascii() and raw.isdigit() else None
        if raw and (previous is None or previous > _MAX_PREVIOUS_PLANS):
            reason = f"Not a whole number of previous plans from 0 to {_MAX_PREVIOUS_PLANS}"
            self.error(path, "NumberOfPreviousCPP", raw, reason)
            previous = None
        if start is not None:
            self.add("cp_plans", [*owner, start, end, initial, latest, previous, path])
