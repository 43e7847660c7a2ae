"""Writing a CIN census return as XML (the CSV files are in csv_files.py).

The XML is assembled without a tree: every fragment (a child's identifiers,
an episode's opening fields, each module, the closing tags) is made for whole columns at
once, given a sort key (child, episode, part, module start...), and the sorted
fragments are joined. Output is byte-identical for identical data.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from coredata.synthetic.calendar import NONE, DateText, add_years, reference_day

Fragments = list[tuple[list[np.ndarray], np.ndarray]]
_NO_KEY = -1
_LAST_KEY = 1 << 40


def _element(name: str, values: np.ndarray, present: npt.ArrayLike | None = None) -> np.ndarray:
    text = f"<{name}>" + values.astype(object) + f"</{name}>"
    return text if present is None else np.where(present, text, "")


def _keys(n: int, *columns: np.ndarray | int) -> list[np.ndarray]:
    return [np.broadcast_to(np.asarray(c, dtype="int64"), (n,)) for c in columns]


def cin_census_xml(
    tables: dict[str, pd.DataFrame], *, year: int, la_code: str, text: DateText
) -> str:
    children, refs = tables["children"], tables["referrals"]
    rank = pd.Series(np.arange(len(children)), index=children["child"].to_numpy())
    reference = reference_day(year)
    fragments: Fragments = []

    dob = children["dob"].to_numpy()
    young = add_years(dob, 5) > reference
    ids = children["child_id"].to_numpy(dtype=object)
    sex = children["sex"].to_numpy(dtype=object)
    sex_element = (
        _element("Sex", sex)
        if year >= 2025
        else _element("GenderCurrent", np.where(sex == "M", "1", "2"))
    )
    disabilities = children["disabilities"].str.replace(",", "</Disability><Disability>")
    opening = (
        "<Child>\n<ChildIdentifiers>"
        + _element("LAchildID", ids)
        + np.where(
            young,
            "<UPNunknown>UN1</UPNunknown>",
            _element("UPN", children["upn"].to_numpy(dtype=object)),
        )
        + _element("PersonBirthDate", text.as_iso(dob))
        + sex_element
        + "</ChildIdentifiers>\n<ChildCharacteristics>"
        + _element("Ethnicity", children["ethnicity"].to_numpy(dtype=object))
        + "<Disabilities><Disability>"
        + disabilities.to_numpy(dtype=object)
        + "</Disability></Disabilities></ChildCharacteristics>"
    )
    n = len(children)
    fragments.append((_keys(n, np.arange(n), _NO_KEY, 0, 0, 0, 0), opening))
    fragments.append(
        (_keys(n, np.arange(n), _LAST_KEY, 0, 0, 0, 0), np.full(n, "</Child>", object))
    )

    c_rank = rank[refs["child"].to_numpy()].to_numpy()
    ref_day = refs["referral_date"].to_numpy()
    closure = refs["closure_date"].to_numpy()
    head = (
        "<CINdetails>\n"
        + _element("CINreferralDate", text.as_iso(ref_day))
        + _element("ReferralSource", refs["source"].to_numpy(dtype=object))
        + _element("PrimaryNeedCode", refs["need"].to_numpy(dtype=object), refs["need"] != "")
        + _element("CINclosureDate", text.as_iso(closure), closure != NONE)
        + _element(
            "ReasonForClosure", refs["closure_reason"].to_numpy(dtype=object), closure != NONE
        )
        + _element(
            "DateOfInitialCPC",
            text.as_iso(refs["icpc_date"].to_numpy()),
            refs["icpc_date"].to_numpy() != NONE,
        )
    )
    m = len(refs)
    nfa = np.where(refs["nfa"].to_numpy(dtype=bool), "true", "false").astype(object)
    fragments += [
        (_keys(m, c_rank, ref_day, 0, 0, 0, 0), head),
        (_keys(m, c_rank, ref_day, 5, 0, 0, 0), _element("ReferralNFA", nfa)),
        (_keys(m, c_rank, ref_day, 7, 0, 0, 0), np.full(m, "</CINdetails>", object)),
    ]
    fragments += _modules(tables, rank, text)
    keys = [np.concatenate([k[i] for k, _ in fragments]) for i in range(6)]
    order = np.lexsort(keys[::-1])
    body = np.concatenate([f for _, f in fragments])[order]
    header = (
        '<?xml version="1.0" encoding="UTF-8"?>\n<Message>\n<Header>\n<CollectionDetails>'
        f"<Collection>CIN</Collection><Year>{year}</Year>"
        f"<ReferenceDate>{year}-03-31</ReferenceDate></CollectionDetails>\n"
        f"<Source><SourceLevel>L</SourceLevel><LEA>{la_code}</LEA>"
        "<SoftwareCode>Sightline synthetic data</SoftwareCode><Release>1</Release>"
        f"<SerialNo>001</SerialNo><DateTime>{year}-05-01T09:00:00</DateTime></Source>\n"
        "</Header>\n<Children>\n"
    )
    return header + "\n".join(body.tolist()) + "\n</Children>\n</Message>\n"


def _modules(tables: dict[str, pd.DataFrame], rank: pd.Series, text: DateText) -> Fragments:
    """The modules of each episode, with keys (child, referral, part, start, sub, extra)."""

    def key(frame: pd.DataFrame, part: int, sub: int = 0, extra: str = "") -> list[np.ndarray]:
        c = rank[frame["child"].to_numpy()].to_numpy()
        last = frame[extra].to_numpy() if extra else 0
        return _keys(
            len(frame),
            c,
            frame["referral_date"].to_numpy(),
            part,
            frame["start"].to_numpy(),
            sub,
            last,
        )

    a = tables["assessments"]
    end = a["end"].to_numpy()
    factors = a["factors"].str.replace(",", "</AssessmentFactors><AssessmentFactors>")
    out: Fragments = [
        (
            key(a, 2),
            (
                "<Assessments>"
                + _element("AssessmentActualStartDate", text.as_iso(a["start"]))
                + _element("AssessmentAuthorisationDate", text.as_iso(end), end != NONE)
                + np.where(
                    end != NONE,
                    "<FactorsIdentifiedAtAssessment><AssessmentFactors>"
                    + factors.to_numpy(dtype=object)
                    + "</AssessmentFactors></FactorsIdentifiedAtAssessment>",
                    "",
                )
                + "</Assessments>"
            ),
        )
    ]
    p = tables["cin_plans"]
    out.append(
        (
            key(p, 3),
            (
                "<CINPlanDates>"
                + _element("CINPlanStartDate", text.as_iso(p["start"]))
                + _element("CINPlanEndDate", text.as_iso(p["end"]), p["end"].to_numpy() != NONE)
                + "</CINPlanDates>"
            ),
        )
    )
    s = tables["section47"]
    icpc = s["icpc_date"].to_numpy()
    out.append(
        (
            key(s, 4),
            (
                "<Section47>"
                + _element("S47ActualStartDate", text.as_iso(s["start"]))
                + _element("InitialCPCtarget", text.as_iso(s["target"]))
                + _element("DateOfInitialCPC", text.as_iso(icpc), icpc != NONE)
                + _element("ICPCnotRequired", np.where(s["icpc_not_required"], "true", "false"))
                + "</Section47>"
            ),
        )
    )
    cp = tables["cp_plans"]
    cp_end = cp["end"].to_numpy()
    out.append(
        (
            key(cp, 6, 0),
            (
                "<ChildProtectionPlans>"
                + _element("CPPstartDate", text.as_iso(cp["start"]))
                + _element("CPPendDate", text.as_iso(cp_end), cp_end != NONE)
                + _element("InitialCategoryOfAbuse", cp["initial"].to_numpy(dtype=object))
                + _element("LatestCategoryOfAbuse", cp["latest"].to_numpy(dtype=object))
                + _element("NumberOfPreviousCPP", cp["previous"].astype(str).to_numpy(dtype=object))
            ),
        )
    )
    out.append((key(cp, 6, 4), np.full(len(cp), "</ChildProtectionPlans>", object)))
    reviews = tables["cp_reviews"].merge(
        cp[["child", "start", "referral_date"]],
        left_on=["child", "cp_start"],
        right_on=["child", "start"],
    )
    out.append(
        (
            key(reviews, 6, 2, extra="review_date"),
            _element("CPPreviewDate", text.as_iso(reviews["review_date"])),
        )
    )
    reviewed = reviews.drop_duplicates(["child", "start"])
    out.append((key(reviewed, 6, 1), np.full(len(reviewed), "<Reviews>", object)))
    out.append((key(reviewed, 6, 3), np.full(len(reviewed), "</Reviews>", object)))
    return out
