"""Benchmarks of the toolkit against the tools researchers would otherwise use (run_all.py)."""
