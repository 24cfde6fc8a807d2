"""Unit economics on top of the metrics: the cost-per-success calculator (calculator), GPU
vs API break-even (breakeven), a feature on another model (whatif), budgets (budgets), days
that left their baseline (anomalies), the invoice against the telemetry (reconciliation),
allocated cost as FOCUS rows (focus_export), the price seed from genai-prices (prices) and the
HTML report (report).

Imports metrics, the engines (to read a build), ui and the base modules; only the command
line imports it.
"""
