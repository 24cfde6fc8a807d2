"""Tools for developing the package, never used by a build: the benchmark behind `make bench`
(`python -m ai_unit_economics.devtools.bench`).

No production module imports it (tests/python/test_architecture.py holds this).
"""
