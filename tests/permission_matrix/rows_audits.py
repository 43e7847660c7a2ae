"""Matrix rows: the audit pages and audit API (issue 5)."""

from tests.permission_matrix.vocabulary import Row

# fmt: off
AUDIT_PAGES: list[Row] = []
# fmt: on
