"""Imports every indicator module so that each registers its indicators."""

from coredata.indicators import activity, outcomes, plans, workforce  # noqa: F401
