"""Matrix rows: the linked QA views and their API (issue 7)."""

from tests.permission_matrix.vocabulary import Row

# fmt: off
QA_PAGES: list[Row] = []
# fmt: on
