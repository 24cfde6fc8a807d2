"""The builder: the end-to-end job behind `aiue run` (pipeline: find the inputs, hold the run
lock, load, `dbt build` into staging, publish, report what was left out) and running dbt
in-process with its log in a file (runner).

Imports the engines, ingest, ui and the base modules; only the command line imports it.
Not named build/: .gitignore (so the wheel) and ruff's default excludes skip such folders.
"""
