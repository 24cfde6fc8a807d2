"""How the invoice reconciles with the telemetry: `aiue reconcile` and the demo's summary."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from .tables import text_table
from .warehouse import mart_schema, query


def reconciliation_by_provider(
    db_path: Path | None, target: str = "duckdb", schema: str | None = None
) -> list[dict[str, Any]]:
    """aiue__cost_reconciliation per provider (feature buckets per feature): billed, allocated
    and unallocated money; the list-price estimate of the billed buckets that have one (with
    their billed money, for the variance); and the estimate of calls no invoice line covers."""
    columns, rows = query(
        target,
        f"""
        select
            coalesce(provider_name, feature_tag || ' (feature)', bucket_kind) as provider,
            sum(billed_cost) as billed,
            sum(allocated_cost) as allocated,
            sum(unallocated_cost) as unallocated,
            sum(case when not is_unbilled then estimated_cost end) as estimated,
            sum(case when not is_unbilled and estimated_cost is not null then billed_cost end)
                as billed_with_estimate,
            sum(case when is_unbilled then estimated_cost end) as unbilled_estimate
        from {mart_schema(target, schema)}.aiue__cost_reconciliation
        group by 1
        order by sum(billed_cost) desc, 1
        """,
        db_path,
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def _variance(billed: Decimal | None, estimated: Decimal | None) -> str:
    if not billed or not estimated:
        return "-"
    percent = round(float((billed - estimated) / estimated) * 100, 1) + 0.0  # no "-0.0%"
    return f"{percent:+.1f}%"


def render_reconciliation(records: list[dict[str, Any]], schema: str = "main_aiue") -> str:
    """A small table of reconciliation_by_provider, a total line and where to look."""
    if not any(record["billed"] for record in records):
        unbilled = sum((r["unbilled_estimate"] or Decimal(0) for r in records), Decimal(0))
        return (
            "No billing in this build (no FOCUS AI rows): every call keeps its list-price "
            f"estimate, {unbilled:,.2f} in total."
        )
    money = ("billed", "allocated", "unallocated", "estimated", "unbilled_estimate")
    total = {
        key: sum((record[key] or Decimal(0) for record in records), Decimal(0))
        for key in (*money, "billed_with_estimate")
    }
    header = ["provider", "billed $", "allocated $", "unallocated $", "estimated $"]
    header += ["variance", "unbilled est. $"]
    body = [
        [
            str(record["provider"]),
            *("-" if record[key] is None else f"{record[key]:,.2f}" for key in money[:4]),
            _variance(record["billed_with_estimate"], record["estimated"]),
            f"{record['unbilled_estimate']:,.2f}" if record["unbilled_estimate"] else "-",
        ]
        for record in [*records, {"provider": "total", **total}]
    ]
    lines = text_table(
        header, body[:-1], footer=body[-1], title="Invoice against telemetry, per provider"
    )
    lines += [
        "variance: billed against the list-price estimate, over the billed lines that have one.",
        "unbilled est.: calls no invoice line covers; they keep their estimate.",
        f"Where to look: {schema}.aiue__cost_reconciliation (one row per billing bucket);",
        f"non-AI rows left out of scope are counted in {schema}.aiue__billing_scope_summary.",
    ]
    return "\n".join(lines)


def run_reconcile(target: str, db_path: Path | None, schema: str | None = None) -> str:
    """`aiue reconcile`: the per-provider summary of a build's aiue__cost_reconciliation."""
    where = mart_schema(target, schema)
    return render_reconciliation(reconciliation_by_provider(db_path, target, where), where)
