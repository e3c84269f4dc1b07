"""Benchmarks that print their figures; run them as modules (`python -m bench.<name>`)."""
