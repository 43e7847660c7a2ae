"""outcomes indicators (INDICATORS.md)."""
