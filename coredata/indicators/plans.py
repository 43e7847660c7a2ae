"""plans indicators (INDICATORS.md)."""
