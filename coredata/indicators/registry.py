"""The indicators, by code, and the run that computes them all."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from coredata.indicators.care import periods_of_care, placements
from coredata.indicators.inputs import CHILD_ID, EngineInputs
from coredata.indicators.periods import expand_to_periods, periods_between, stock_periods
from coredata.indicators.results import empty_results, population_by_period
from coredata.indicators.units import Holdings, attribute, prepare_allocations, to_units

T = TypeVar("T")
# The frames whose children Context numbers (plans' sources and the allocations).
CHILD_FRAMES = ("referrals", "cp_plans", "early_help", "care_episodes", "allocations")


@dataclass
class Context:
    """What every indicator function is given: the inputs, the periods computed, and
    attribution to units, worked out once and shared."""

    inputs: EngineInputs

    @cached_property
    def periods(self) -> pd.DataFrame:
        return periods_between(self.inputs.first_month_end, self.inputs.last_month_end)

    @cached_property
    def stock_periods(self) -> pd.DataFrame:
        """The periods with their reference date R (= period end)."""
        return stock_periods(self.periods)

    @cached_property
    def reference_dates(self) -> pd.Series:
        """Every distinct R: each stock measure is judged once per month end."""
        ends = self.periods["period_end"].drop_duplicates().sort_values()
        return ends.reset_index(drop=True)

    @cached_property
    def population(self) -> pd.DataFrame:
        return population_by_period(self.periods, self.inputs.frame("population"))

    @cached_property
    def _frames(self) -> dict[str, pd.DataFrame]:
        return {}

    @cached_property
    def cache(self) -> dict[str, Any]:
        """Work shared by indicators within one run, by key (see `shared`)."""
        return {}

    def shared(self, key: str, build: Callable[[], T]) -> T:
        """The value stored under `key`, built (by `build`) the first time it is asked
        for in this run: work several indicators repeat is done once."""
        if key not in self.cache:
            self.cache[key] = build()
        value: T = self.cache[key]
        return value

    def frame(self, name: str) -> pd.DataFrame:
        """An input frame, typed once per run. Each caller gets its own shallow copy
        (copy-on-write: changing it never changes what other indicators see)."""
        if name not in self._frames:
            self._frames[name] = self.inputs.frame(name)
        return self._frames[name].copy(deep=False)

    @cached_property
    def _child_coding(self) -> tuple[pd.Index, dict[str, np.ndarray]]:
        ids = [self.frame(name)[CHILD_ID] for name in CHILD_FRAMES]
        codes, children = pd.factorize(pd.concat(ids, ignore_index=True))
        bounds = np.cumsum([0, *(len(column) for column in ids)])
        by_frame = {
            name: codes[bounds[i] : bounds[i + 1]].astype("int64")
            for i, name in enumerate(CHILD_FRAMES)
        }
        return pd.Index(children), by_frame

    @property
    def children(self) -> pd.Index:
        """Every child ID of the plans' sources and of the allocations (CHILD_FRAMES), in
        order of first appearance: a child's integer code is its position."""
        return self._child_coding[0]

    def child_codes(self, name: str) -> np.ndarray:
        """The child code of each row of frame `name` (one of CHILD_FRAMES; -1 where the
        child ID is missing), aligned with `frame(name)`."""
        return self._child_coding[1][name]

    @cached_property
    def holdings(self) -> Holdings:
        """The allocations prepared for attribution (units.prepare_allocations), once,
        with children numbered as `children`."""
        return prepare_allocations(
            self.frame("allocations"),
            self.frame("teams"),
            children=self.children,
            child=self.child_codes("allocations"),
        )

    @cached_property
    def _care_periods(self) -> pd.DataFrame:
        return periods_of_care(self.frame("care_episodes"))

    @cached_property
    def _care_placements(self) -> pd.DataFrame:
        return placements(self.frame("care_episodes"))

    @property
    def care_periods(self) -> pd.DataFrame:
        """care.periods_of_care of the SSDA903 episodes (worked out once per run)."""
        return self._care_periods.copy(deep=False)

    @property
    def care_placements(self) -> pd.DataFrame:
        """care.placements of the SSDA903 episodes (worked out once per run)."""
        return self._care_placements.copy(deep=False)

    def units_on(self, events: pd.DataFrame, date_column: str) -> pd.DataFrame:
        """Events with unit_type and unit_code, attributed on `date_column`."""
        attributed = attribute(events, date_column, self.holdings, self.frame("teams"))
        return to_units(attributed, self.inputs.la_code)

    def in_periods(self, events: pd.DataFrame, date_column: str) -> pd.DataFrame:
        """Events repeated for each period containing `date_column` (flow measures)."""
        return expand_to_periods(events, date_column, self.periods)

    def at_reference_dates(self, stock: pd.DataFrame) -> pd.DataFrame:
        """A stock judged at each R (a `reference_date` column) spread to every period
        ending on that R."""
        mapping = self.stock_periods[["reference_date", "period_start", "period_end"]]
        return stock.merge(mapping, on="reference_date", how="inner")


@dataclass(frozen=True)
class Indicator:
    code: str
    name: str
    unit: str  # count, rate_10k, pct, ratio
    direction: str  # higher_better, lower_better, context
    group: str  # activity, plans, outcomes, workforce
    compute: Callable[[Context], pd.DataFrame] = field(compare=False)

    @property
    def definition(self) -> str:
        """The plain-English definition shown beside the number: the function's docstring."""
        return (self.compute.__doc__ or "").strip()


INDICATORS: dict[str, Indicator] = {}


def register(
    code: str, name: str, *, unit: str, direction: str, group: str
) -> Callable[[Callable[[Context], pd.DataFrame]], Callable[[Context], pd.DataFrame]]:
    """Decorator: add an indicator function to the registry under its code."""

    def add(function: Callable[[Context], pd.DataFrame]) -> Callable[[Context], pd.DataFrame]:
        if code in INDICATORS:
            raise ValueError(f"indicator {code} registered twice")
        INDICATORS[code] = Indicator(code, name, unit, direction, group, function)
        return function

    return add


def compute_all(inputs: EngineInputs, codes: list[str] | None = None) -> pd.DataFrame:
    """Every registered indicator (or those named) for every unit and period."""
    from coredata.indicators import catalogue  # noqa: F401 - registers the indicators

    context = Context(inputs)
    chosen = [INDICATORS[code] for code in (codes or sorted(INDICATORS))]
    parts = [indicator.compute(context) for indicator in chosen]
    parts = [part for part in parts if not part.empty]
    if not parts:
        return empty_results()
    return pd.concat(parts, ignore_index=True)
