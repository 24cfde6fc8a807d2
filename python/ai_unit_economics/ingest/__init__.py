"""Reading the user's input folder: which files it holds (inputs), loading them into DuckDB
(loaders) and the two Collector trace shapes, OTLP JSON (otlp) and the ClickHouse
`otel_traces` table (otel_traces); each file known by its content (identity) and the seeds a
build uses (seeds).

Imports only the base modules (errors, project); the engines build on it.
"""
