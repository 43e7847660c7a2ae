"""Short breaks for disabled children (SSDA903 legal status V3 or V4).

During a disabled child's CIN plan, a series of V3 episodes (each its own period of care
of a few days, every three to seven weeks), or a single V4 episode for the agreement.
Short breaks never count as being looked after (INDICATORS.md, resolved detail 14).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from coredata.synthetic import rates
from coredata.synthetic.rates import draw


def short_breaks(
    rng: np.random.Generator, child: np.ndarray, first: np.ndarray, last: np.ndarray
) -> dict[str, Any]:
    """Short breaks during a disabled child's CIN plan: a series of V3 episodes (each a
    period of care of a few days) or one V4 episode for the agreement."""
    n = len(child)
    series = rng.random(n) < 0.8
    place = draw(rng, rates.SB_PLACEMENTS, n)
    count = np.where(series, np.maximum((last - first) // 35, 0), 1)
    row = np.repeat(np.arange(n), count)
    gap = rng.integers(21, 50, len(row))
    group_start = np.repeat(np.cumsum(count) - count, count)
    steps = np.cumsum(gap)
    begin = first[row] + steps - (steps[group_start] - gap[group_start]) - 14
    stay = rng.integers(2, 5, len(row))
    end = np.where(series[row], begin + stay, last[row] - rng.integers(0, 15, len(row)))
    keep = (end <= last[row]) & (end > begin) & (begin > first[row])
    row, begin, end = row[keep], begin[keep], end[keep]
    m = len(row)
    kids = child[row]
    episodes = {
        "child": kids,
        "decom": begin,
        "rne": np.full(m, "S", object),
        "ls": np.where(series[row], "V3", "V4").astype(object),
        "cin": np.full(m, "N2", object),
        "place": place[row],
        "provider": np.full(m, "PR1", object),
        "dec": end,
        "rec": np.full(m, "E4A", object),
        "reason": np.full(m, "", object),
        "urn": np.where(
            place[row] == "K2", "SC" + (100000 + kids % 899999).astype(str), "XXXXXXX"
        ).astype(object),
        "home_post": np.full(m, "DM1 1", object),
        "pl_post": np.full(m, "DM1 2", object),
        "period": np.arange(m),
    }
    periods = {
        "child": kids,
        "start": begin,
        "end": end,
        "short_break": np.ones(m, bool),
        "rec": episodes["rec"],
    }
    return {"episodes": episodes, "periods": periods}
