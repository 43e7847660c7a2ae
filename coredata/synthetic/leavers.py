"""Care leavers' OC3 records, on their 17th to 21st birthdays after leaving care."""

from __future__ import annotations

import numpy as np
import pandas as pd

from coredata.synthetic import rates
from coredata.synthetic.calendar import NONE, add_years, collection_year_of, to_date
from coredata.synthetic.rates import draw


def care_leavers(
    rng: np.random.Generator, periods: pd.DataFrame, dob: np.ndarray, first: int, last: int
) -> pd.DataFrame:
    """OC3 records on the 17th-21st birthdays after care ended at 16 or over, for care of
    13 weeks or more (short breaks, adoption and special guardianship excluded)."""
    care = periods[~periods["short_break"] & (periods["end"] != NONE)]
    care = care.sort_values(["child", "start"], kind="stable").groupby("child").tail(1)
    age_left = (care["end"].to_numpy() - dob[care["child"].to_numpy()]) / 365.25
    eligible = (age_left >= 16) & (care["end"] - care["start"] >= 91).to_numpy()
    eligible &= ~care["rec"].isin(["E11", "E12", "E2", *rates.SGO_RECS[0]]).to_numpy()
    care = care[eligible]
    kids = np.repeat(care["child"].to_numpy(), 5)
    ages = np.tile(np.arange(17, 22), len(care))
    birthday = add_years(dob[kids], ages)
    left = np.repeat(care["end"].to_numpy(), 5)
    went_home = np.repeat(care["rec"].isin(["E4A", "E4B", "E13"]).to_numpy(), 5)
    keep = (birthday >= left) & (birthday >= first) & (birthday <= last)
    kids, birthday, went_home = kids[keep], birthday[keep], went_home[keep]
    m = len(kids)
    in_touch = draw(rng, rates.IN_TOUCH, m)
    in_touch[(in_touch == "RHOM") & ~went_home] = "YES"
    frame = pd.DataFrame({"child": kids, "birthday": birthday, "in_touch": in_touch})
    died = frame["in_touch"].eq("DIED").astype(int).groupby(frame["child"]).cumsum()
    frame = frame[died.groupby(frame["child"]).shift(1, fill_value=0).eq(0)].copy()
    known = frame["in_touch"].isin(["YES", "NREQ", "RHOM"]).to_numpy()
    m = len(frame)
    frame["activity"] = np.where(known, draw(rng, rates.ACTIVITIES, m), "0")
    frame["accommodation"] = np.where(known, draw(rng, rates.ACCOMMODATION, m), "0")
    frame["year"] = [collection_year_of(to_date(b)) for b in frame["birthday"]]
    return frame.reset_index(drop=True)
