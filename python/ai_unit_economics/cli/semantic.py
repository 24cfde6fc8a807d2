"""`aiue semantic`: a semantic document (Ossie, Snowflake, Databricks) for your warehouse."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..errors import UserError

NAME = "semantic"
HELP = "print the metrics as an Ossie, Snowflake or Databricks semantic document"
DESCRIPTION = (
    "The metric catalogue as a document another semantic layer reads natively: an Apache "
    "Ossie (OSI 0.1.1) JSON for dbt 1.12's OSI/ folder, Tableau or "
    "SYSTEM$CREATE_SEMANTIC_VIEW_FROM_OSI_YAML; a Snowflake semantic view YAML; Databricks "
    "metric views (YAML v1.1). The same documents, pointed at the demo, are committed under "
    "semantic/; this writes them for the tables of your build. docs/metrics.md says how to "
    "load each."
)
KINDS = ("osi", "snowflake", "databricks")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--format", choices=KINDS, required=True, help="which document")
    parser.add_argument(
        "--schema",
        required=True,
        help="DATABASE.SCHEMA (catalog.schema on Databricks) holding the aiue marts, e.g. "
        "analytics.prod_aiue",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder to write the document(s) into (default: print them; Databricks' two "
        "metric views are separated by a `---` line)",
    )
    parser.add_argument(
        "--confidence",
        type=float,
        default=None,
        help="two-sided level of the interval metrics (default: var aiue_confidence_level of "
        "the project's dbt_project.yml)",
    )
    parser.add_argument(
        "--min-sample",
        type=int,
        default=None,
        help="labelled intents of a sufficient sample (default: var aiue_min_sample_intents)",
    )


def run(args: argparse.Namespace) -> int:
    from ..engines.warehouse import checked_schema
    from ..metrics import interchange
    from ..metrics.generate import semantic_document
    from ..metrics.settings import project_settings
    from ..metrics.sqlgen import passthrough_dimensions

    parts = checked_schema(args.schema).split(".")
    if len(parts) != 2:
        raise UserError(
            f"--schema needs DATABASE.SCHEMA (a document names each table in full); got "
            f"'{args.schema}'."
        )
    chosen = project_settings().overridden(args.min_sample, args.confidence)
    passthrough = tuple(column.alias for column in passthrough_dimensions())
    documents = semantic_document(
        args.format,
        interchange.Location(*parts),
        chosen.level,
        chosen.min_sample,
        passthrough,
    )
    if args.out is None:
        print("---\n".join(documents.values()), end="")
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    for name, text in documents.items():
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name}")
    return 0
