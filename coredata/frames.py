"""Records read into pandas frames, as the indicator engine and the checks across returns
see them: the effective history, not each return's own version of it."""

from collections.abc import Iterable

import pandas as pd

from coredata.models import CareEpisode
from coredata.parsers.ssda903_clean import clean_stacked_episodes
from organisation.models import Organisation

EPISODE_FIELDS = {
    "child__child_id": "child_id",
    "decom": "decom",
    "rne": "rne",
    "legal_status": "ls",
    "cin": "cin",
    "place": "place",
    "place_provider": "place_provider",
    "dec": "dec",
    "rec": "rec",
    "reason_place_change": "reason_place_change",
    "urn": "urn",
    "collection_year": "year",
}


def care_episodes_frame(
    *, organisation: Organisation, child_ids: Iterable[str] | None = None
) -> pd.DataFrame:
    """The organisation's SSDA903 episodes, every stored return stitched into one history
    per child (`clean_stacked_episodes`: repeats across returns removed, episodes left
    open in an older return closed by the next one). Columns as the parser's episodes
    table, with `year` the return an episode's version came from."""
    rows = CareEpisode.objects.filter(organisation=organisation)
    if child_ids is not None:
        rows = rows.filter(child__child_id__in=list(child_ids))
    frame = pd.DataFrame.from_records(
        rows.values_list(*EPISODE_FIELDS), columns=list(EPISODE_FIELDS.values())
    )
    for column in ("decom", "dec"):
        frame[column] = pd.to_datetime(frame[column]).astype("datetime64[ns]")
    for column in ("rne", "ls", "cin", "place", "place_provider", "rec",
                   "reason_place_change", "urn", "child_id"):  # fmt: skip
        frame[column] = frame[column].replace("", pd.NA).astype("string")
    frame["year"] = frame["year"].astype("Int64")
    if frame.empty:
        return frame
    # Stored years are always the year ending on 31 March (the importer normalises them).
    return clean_stacked_episodes(frame, year_labels="end")
