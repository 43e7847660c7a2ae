"""Writes to core data: imports (and, later, indicator refreshes)."""
