"""Matrix rows: the survey pages (staff and respondent) and survey API (issue 6)."""

from tests.permission_matrix.vocabulary import Row

# fmt: off
SURVEY_PAGES: list[Row] = []
# fmt: on
