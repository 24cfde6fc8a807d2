"""How the invoice reconciles with the telemetry: `aiue reconcile` and the demo's summary."""

from __future__ import annotations

import textwrap
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..engines.warehouse import has_relation, mart_schema, query
from ..ui.tables import MAX_WIDTH, text_table


def reconciliation_by_provider(
    db_path: Path | None, target: str = "duckdb", schema: str | None = None
) -> list[dict[str, Any]]:
    """aiue__cost_reconciliation per provider (feature buckets per feature): billed, allocated
    and unallocated money, and the credits inside the unallocated money (FOCUS ChargeCategory
    Credit in buckets no call took: a credit is money back, not a cost that found no call); the
    list-price estimate of the billed buckets that have one (with their billed money, which
    the variance covers); and the estimate of calls no invoice line covers."""
    where = mart_schema(target, schema)
    credits = (
        f"""
        select bucket_id, sum(billed_cost) as credit_cost
        from {where}.aiue__billing_lines
        where lower(charge_category) = 'credit'
        group by bucket_id
        """
        if has_relation(target, where, "aiue__billing_lines", db_path)
        else "select cast(null as varchar) as bucket_id, 0 as credit_cost where 1 = 0"
    )
    columns, rows = query(
        target,
        f"""
        with credits as ({credits})
        select
            coalesce(
                reconciliation.provider_name,
                reconciliation.feature_tag || ' (feature)',
                reconciliation.bucket_kind
            ) as provider,
            sum(reconciliation.billed_cost) as billed,
            sum(reconciliation.allocated_cost) as allocated,
            sum(reconciliation.unallocated_cost) as unallocated,
            sum(case when reconciliation.allocated_cost = 0 then credits.credit_cost end)
                as credits,
            sum(case when not reconciliation.is_unbilled then reconciliation.estimated_cost end)
                as estimated,
            sum(
                case
                    when not reconciliation.is_unbilled
                        and reconciliation.estimated_cost is not null
                        then reconciliation.billed_cost
                end
            ) as billed_with_estimate,
            sum(case when reconciliation.is_unbilled then reconciliation.estimated_cost end)
                as unbilled_estimate
        from {where}.aiue__cost_reconciliation as reconciliation
        left join credits
            on reconciliation.bucket_id = credits.bucket_id
        group by 1
        order by sum(reconciliation.billed_cost) desc, 1
        """,
        db_path,
    )
    return [dict(zip(columns, row, strict=True)) for row in rows]


def variance_text(billed: Decimal | float | None, estimated: Decimal | float | None) -> str:
    if not billed or not estimated:
        return "-"
    percent = round(float((billed - estimated) / estimated) * 100, 1) + 0.0  # no "-0.0%"
    return f"{percent:+.1f}%"


def _amount(value: Decimal | None) -> str:
    return "-" if value is None or value == 0 else f"{value:,.2f}"


def split_credits(record: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """(credits, unallocated cost without them) of one reconciliation_by_provider row."""
    credits = Decimal(record.get("credits") or 0)
    return credits, Decimal(record["unallocated"] or 0) - credits


def render_reconciliation(records: list[dict[str, Any]], schema: str = "main_aiue") -> str:
    """A small table of reconciliation_by_provider, a total line and where to look. Credits
    are a column of their own (billed = allocated + unallocated + credits), and the variance
    says which billed money it compares with the estimate."""
    if not any(record["billed"] for record in records):
        unbilled = sum((r["unbilled_estimate"] or Decimal(0) for r in records), Decimal(0))
        return (
            "No billing in this build (no FOCUS AI rows): every call keeps its list-price "
            f"estimate, {unbilled:,.2f} in total."
        )
    rows = []
    for record in records:
        credits, unallocated = split_credits(record)
        rows.append({**record, "credits": credits, "unallocated": unallocated})
    keys = ("billed", "credits", "allocated", "unallocated", "estimated")
    keys += ("billed_with_estimate", "unbilled_estimate")
    total = {key: sum((Decimal(row[key] or 0) for row in rows), Decimal(0)) for key in keys}
    has_credits = bool(total["credits"])
    has_unbilled = bool(total["unbilled_estimate"])
    header = ["provider", "billed $", *(["credits $"] if has_credits else [])]
    header += ["allocated $", "unallocated $", "estimated $", "variance", "on billed $"]
    header += ["unbilled est. $"] if has_unbilled else []
    body = [
        [
            str(row["provider"]),
            f"{Decimal(row['billed'] or 0):,.2f}",
            *([_amount(row["credits"])] if has_credits else []),
            f"{Decimal(row['allocated'] or 0):,.2f}",
            f"{Decimal(row['unallocated'] or 0):,.2f}",
            _amount(row["estimated"]),
            variance_text(row["billed_with_estimate"], row["estimated"]),
            _amount(row["billed_with_estimate"]),
            *([_amount(row["unbilled_estimate"])] if has_unbilled else []),
        ]
        for row in [*rows, {"provider": "total", **total}]
    ]
    lines = text_table(
        header, body[:-1], footer=body[-1], title="Invoice against telemetry, per provider"
    )
    notes = [
        *(
            [
                "credits: money the invoice gives back (FOCUS ChargeCategory Credit) and names "
                "no call for; billed = allocated + unallocated + credits."
            ]
            if has_credits
            else []
        ),
        "variance: billed against the list-price estimate, over the billed lines that have "
        "one (on billed $); credits and charges with no estimate are not compared.",
        "unbilled est.: calls no invoice line covers keep their list-price estimate."
        if has_unbilled
        else "Every call is covered by an invoice line (no unbilled estimate).",
    ]
    for note in notes:
        lines += textwrap.wrap(note, width=MAX_WIDTH, subsequent_indent="  ")
    lines += [
        f"Where to look: {schema}.aiue__cost_reconciliation (one row per billing bucket);",
        f"non-AI rows left out of scope are counted in {schema}.aiue__billing_scope_summary.",
    ]
    return "\n".join(lines)


def run_reconcile(target: str, db_path: Path | None, schema: str | None = None) -> str:
    """`aiue reconcile`: the per-provider summary of a build's aiue__cost_reconciliation."""
    where = mart_schema(target, schema)
    return render_reconciliation(reconciliation_by_provider(db_path, target, where), where)
