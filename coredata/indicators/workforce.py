"""workforce indicators (INDICATORS.md)."""
