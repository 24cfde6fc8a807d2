"""Sample data: realistic spans, outcome labels and a FOCUS invoice, with the articles'
scenarios. `aiue demo` and the tests use it through synthetic.py (generate,
generate_scenarios); the rest is split by concern: features.py (the features and models
random intents mimic), spans.py and outcomes.py (random intents), scenarios.py (the articles'
exact scenarios), billing.py (the invoice), prices.py (prices from the package's price seed),
draws.py and rows.py (random draws, CSV cells).

A dev tool, not part of a build: no production module imports it except the `aiue demo`
command (tests/python/test_architecture.py holds this).
"""
