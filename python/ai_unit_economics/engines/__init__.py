"""The warehouses `aiue` runs on and everything that talks to them.

- registry: one Engine class per warehouse (load, stage/publish/discard, read-only query, the
  mart schema, the SQL dialect) and `engine(target)`; the only place that branches on a name.
- postgres, spark: their loaders and connections (DuckDB's loader is ingest.loaders).
- raw_export: the raw tables as files, for engines that load from files.
- publish: the run lock and the staged build that the engines swap in (docs/publish.md).
- build_record: the files a build loaded (by content) and the seeds it uses, stored with it.
- warehouse: reading results of a build (`query`, `mart_schema`, `--schema`).
- dbt_profile: the profiles.yml output a target connects with, and a run's work folder.

Imports ingest and the base modules; the builder, metrics and reports build on it.
"""
