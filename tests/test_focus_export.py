"""`aiue export-focus`: the allocated AI cost as FOCUS 1.2 Cost and Usage rows.

The FinOps Foundation's focus-validator cannot check FOCUS 1.2 here: its versions that know
1.2 (2.x) require Python >= 3.12, and the newest that installs on this Python 3.11, 1.0.0,
validates FOCUS 1.0 only. So this file checks every rule the FOCUS 1.2 specification makes
mandatory (MUST / MUST NOT) for these rows: Usage charges, no commitment discounts, no
resources, regions, SKUs or unit prices in the dataset. Rule ids are those of the FinOps
Foundation's machine-readable 1.2 rule model (focus-validator's model-1.2.0.1.json).
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from ai_unit_economics.cli import main as aiue
from ai_unit_economics.finops import focus_export
from ai_unit_economics.finops.reconciliation import reconciliation_by_provider

from .conftest import Build

# --- FOCUS 1.2 rules -----------------------------------------------------------------------

# CostAndUsage-D-*-M: columns a FOCUS 1.2 Cost and Usage dataset MUST have, whatever the
# provider supports.
REQUIRED_COLUMNS = (
    "BilledCost",  # D-006
    "BillingAccountId",  # D-024
    "BillingAccountName",  # D-005
    "BillingCurrency",  # D-035
    "BillingPeriodEnd",  # D-010
    "BillingPeriodStart",  # D-009
    "ChargeCategory",  # D-008
    "ChargeClass",  # D-026
    "ChargeDescription",  # D-025
    "ChargePeriodEnd",  # D-028
    "ChargePeriodStart",  # D-037
    "ContractedCost",  # D-030
    "EffectiveCost",  # D-031
    "InvoiceIssuerName",  # D-023
    "ListCost",  # D-032
    "PricingQuantity",  # D-036
    "PricingUnit",  # D-068
    "ProviderName",  # D-038
    "PublisherName",  # D-021
    "ServiceCategory",  # D-040
    "ServiceName",  # D-041
)
# Every FOCUS 1.2 column id; anything else must start with x_ (ColumnHandling-A-010-M).
FOCUS_1_2_COLUMNS = {
    *REQUIRED_COLUMNS,
    *[
        "AvailabilityZone",
        "BillingAccountType",
        "CapacityReservationId",
        "CapacityReservationStatus",
        "ChargeFrequency",
        "CommitmentDiscountCategory",
        "CommitmentDiscountId",
        "CommitmentDiscountName",
        "CommitmentDiscountQuantity",
        "CommitmentDiscountStatus",
        "CommitmentDiscountType",
        "CommitmentDiscountUnit",
        "ConsumedQuantity",
        "ConsumedUnit",
        "ContractedUnitPrice",
        "InvoiceId",
        "ListUnitPrice",
        "PricingCategory",
        "PricingCurrency",
        "PricingCurrencyContractedUnitPrice",
        "PricingCurrencyEffectiveCost",
        "PricingCurrencyListUnitPrice",
        "RegionId",
        "RegionName",
        "ResourceId",
        "ResourceName",
        "ResourceType",
        "ServiceSubcategory",
        "SkuId",
        "SkuMeter",
        "SkuPriceDetails",
        "SkuPriceId",
        "SubAccountId",
        "SubAccountName",
        "SubAccountType",
        "Tags",
    ],
}
DECIMAL_COLUMNS = ("BilledCost", "ContractedCost", "EffectiveCost", "ListCost", "PricingQuantity")
DATETIME_COLUMNS = (
    "BillingPeriodEnd",
    "BillingPeriodStart",
    "ChargePeriodEnd",
    "ChargePeriodStart",
)
NOT_NULL = (
    "BilledCost",  # BilledCost-C-003-M
    "BillingAccountId",  # BillingAccountId-C-001-M
    "BillingCurrency",  # BillingCurrency-C-004-M
    "BillingPeriodEnd",  # BillingPeriodEnd-C-003-M
    "BillingPeriodStart",  # BillingPeriodStart-C-003-M
    "ChargeCategory",  # ChargeCategory-C-002-M
    "ChargeFrequency",  # ChargeFrequency-C-002-M
    "ChargePeriodEnd",  # ChargePeriodEnd-C-003-M
    "ChargePeriodStart",  # ChargePeriodStart-C-003-M
    "ContractedCost",  # ContractedCost-C-003-M
    "EffectiveCost",  # EffectiveCost-C-003-M
    "InvoiceIssuerName",  # InvoiceIssuerName-C-003-M
    "ListCost",  # ListCost-C-003-M
    "ProviderName",  # ProviderName-C-003-M
    "PublisherName",  # PublisherName-C-003-M
    "ServiceCategory",  # ServiceCategory-C-002-M
    "ServiceName",  # ServiceName-C-003-M
    "ServiceSubcategory",  # ServiceSubcategory-C-002-M
)
CHARGE_CATEGORIES = {"Usage", "Purchase", "Tax", "Credit", "Adjustment"}  # ChargeCategory-C-003-M
CHARGE_FREQUENCIES = {"One-Time", "Recurring", "Usage-Based"}  # ChargeFrequency-C-003-M
SERVICE_CATEGORIES = {  # ServiceCategory-C-003-M
    "AI and Machine Learning",
    "Analytics",
    "Business Applications",
    "Compute",
    "Databases",
    "Developer Tools",
    "Multicloud",
    "Identity",
    "Integration",
    "Internet of Things",
    "Management and Governance",
    "Media",
    "Migration",
    "Mobile",
    "Networking",
    "Security",
    "Storage",
    "Web",
    "Other",
}
# ServiceSubcategory-C-003-M / -C-004-M: the AI subcategories and their one parent.
AI_SUBCATEGORIES = {
    "AI Platforms",
    "Bots",
    "Generative AI",
    "Machine Learning",
    "Natural Language Processing",
    "Other (AI and Machine Learning)",
}
# NumericFormat-A-003..011-M: an integer, a decimal or E notation; a minus sign only; no plus
# sign, thousands separators, currency symbols or units.
NUMERIC = re.compile(r"^-?[0-9]+(\.[0-9]+)?(E-?[0-9]+)?$")
# DateTimeFormat-A-001..006-M: ISO 8601 in UTC, date and time separated by T, HH:mm:ss, Z.
DATETIME = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
CURRENCY = re.compile(r"^[A-Z]{3}$")  # CurrencyFormat-A-001-C (national currency, ISO 4217)
PLACEHOLDERS = {"NULL", "null", "None", "N/A", "Not Applicable", "-"}  # NullHandling-A-002-M


def focus_violations(header: list[str], rows: list[dict[str, str]]) -> list[str]:
    """Every FOCUS 1.2 MUST rule these rows break, as 'rule: row N column: value'."""
    found = [
        f"CostAndUsage-D-*-M: missing column {name}"
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    for name in header:
        if name not in FOCUS_1_2_COLUMNS and not name.startswith("x_"):
            found.append(f"ColumnHandling-A-010-M: custom column {name} lacks the x_ prefix")
        if name in FOCUS_1_2_COLUMNS and not re.fullmatch(r"[A-Z][A-Za-z0-9]*", name):
            found.append(f"ColumnHandling-A-001/003-M: {name} is not Pascal case alphanumeric")

    def bad(rule: str, number: int, column: str) -> None:
        found.append(f"{rule}: row {number} {column}: {rows[number - 1].get(column)!r}")

    for number, row in enumerate(rows, start=1):
        for column, value in row.items():
            if value in PLACEHOLDERS or (value is not None and value != value.strip()):
                bad("NullHandling-A-002-M / StringHandling", number, column)
        for column in NOT_NULL:
            if column in row and not row[column]:
                bad(f"{column} MUST NOT be null", number, column)
        for column in DECIMAL_COLUMNS:
            value = row.get(column) or ""
            if value and not NUMERIC.match(value):
                bad(f"{column}-C-001/002-M (Decimal, NumericFormat)", number, column)
        for column in DATETIME_COLUMNS:
            value = row.get(column) or ""
            if value and not DATETIME.match(value):
                bad(f"{column}-C-001/002-M (Date/Time, DateTimeFormat)", number, column)
        if not CURRENCY.match(row.get("BillingCurrency") or ""):
            bad("BillingCurrency-C-003/006-M", number, "BillingCurrency")
        if row.get("ChargeCategory") not in CHARGE_CATEGORIES:
            bad("ChargeCategory-C-003-M", number, "ChargeCategory")
        if row.get("ChargeClass") not in ("", "Correction"):
            bad("ChargeClass-C-005-C", number, "ChargeClass")
        if row.get("ChargeFrequency") not in CHARGE_FREQUENCIES:
            bad("ChargeFrequency-C-003-M", number, "ChargeFrequency")
        if row.get("ChargeCategory") == "Purchase" and row.get("ChargeFrequency") == "Usage-Based":
            bad("ChargeFrequency-C-004-C", number, "ChargeFrequency")
        if row.get("ServiceCategory") not in SERVICE_CATEGORIES:
            bad("ServiceCategory-C-003-M", number, "ServiceCategory")
        subcategory = row.get("ServiceSubcategory")
        if (
            subcategory in AI_SUBCATEGORIES
            and row.get("ServiceCategory") != "AI and Machine Learning"
        ):
            bad("ServiceSubcategory-C-004-M", number, "ServiceSubcategory")
        if subcategory is not None and subcategory not in AI_SUBCATEGORIES:
            bad(
                "ServiceSubcategory-C-003-M (only AI subcategories expected here)",
                number,
                "ServiceSubcategory",
            )
        usage = (
            row.get("ChargeCategory") in ("Usage", "Purchase")
            and row.get("ChargeClass") != "Correction"
        )
        if usage and not row.get("PricingQuantity"):
            bad("PricingQuantity-C-005-C", number, "PricingQuantity")
        if bool(row.get("PricingQuantity")) != bool(row.get("PricingUnit")):
            bad("PricingUnit-C-005/006-C", number, "PricingUnit")
        if row.get("ChargeCategory") == "Tax" and row.get("PricingQuantity"):
            bad("PricingQuantity-C-004-C", number, "PricingQuantity")
        for start, end in (
            ("BillingPeriodStart", "BillingPeriodEnd"),
            ("ChargePeriodStart", "ChargePeriodEnd"),
        ):
            both = DATETIME.match(row.get(start) or "") and DATETIME.match(row.get(end) or "")
            if both and not row[start] < row[end]:  # *-C-004-M: inclusive start, exclusive end
                bad(f"{start}/{end}-C-004-M", number, end)
        if (
            DATETIME.match(row.get("ChargePeriodStart") or "")
            and DATETIME.match(row.get("BillingPeriodStart") or "")
            and not (
                row["BillingPeriodStart"] <= row["ChargePeriodStart"]
                and row["ChargePeriodEnd"] <= row["BillingPeriodEnd"]
            )
        ):
            bad("ChargePeriod within BillingPeriod", number, "ChargePeriodStart")
        for column in ("EffectiveCost", "BilledCost", "ListCost", "ContractedCost"):
            try:
                Decimal(row.get(column) or "0")  # *-C-004-M: a valid decimal value
            except InvalidOperation:
                bad(f"{column}-C-004-M", number, column)
    return found


def read_export(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        return list(reader.fieldnames or []), list(reader)


@pytest.fixture(scope="module")
def billing_export(billing_build: Build) -> tuple[list[str], list[dict[str, str]]]:
    out = billing_build.db_path.parent / "allocated.csv"
    focus_export.export("duckdb", billing_build.db_path, out)
    return read_export(out)


def test_export_meets_every_mandatory_focus_1_2_rule(billing_export) -> None:
    header, rows = billing_export
    assert rows
    assert focus_violations(header, rows) == []
    for row in rows:
        datetime.strptime(row["ChargePeriodStart"], "%Y-%m-%dT%H:%M:%SZ")


def test_the_rule_checks_catch_broken_rows(billing_export) -> None:
    header, rows = billing_export
    broken = [dict(row) for row in rows[:1]]
    broken[0].update(
        EffectiveCost="",
        ChargeCategory="usage",
        ChargePeriodStart="2024-10-01 00:00:00",
        BilledCost="1,5",
        ServiceSubcategory="Virtual Machines",
    )
    found = "\n".join(focus_violations([*header[1:], "Feature"], broken))
    for rule in (
        "missing column BilledCost",
        "Feature lacks the x_ prefix",
        "EffectiveCost MUST NOT be null",
        "ChargeCategory-C-003-M",
        "ChargePeriodStart-C-001/002-M",
        "BilledCost-C-001/002-M",
        "ServiceSubcategory-C-003-M",
    ):
        assert rule in found


def test_effective_cost_sums_to_the_allocated_total_exactly(
    billing_build: Build, billing_export
) -> None:
    _, rows = billing_export
    exported = sum((Decimal(row["EffectiveCost"]) for row in rows), Decimal(0))
    [(allocated,)] = billing_build.query(
        "select sum(allocated_cost) from main_aiue.aiue__cost_reconciliation"
    )
    assert exported == allocated
    # tests/fixtures/billing/README.md: 48.60495 of the 96.60695 billed landed on calls
    assert exported == Decimal("48.60495")


def test_export_equals_the_reconciliation_per_provider(
    billing_build: Build, billing_export
) -> None:
    _, rows = billing_export
    exported: dict[str, Decimal] = defaultdict(Decimal)
    for row in rows:
        key = row["x_BillingProvider"] or f"{row['x_FeatureTag']} (feature)"
        exported[key] += Decimal(row["EffectiveCost"])
    reconciled = {
        record["provider"]: record["allocated"]
        for record in reconciliation_by_provider(billing_build.db_path)
        if record["allocated"]
    }
    assert dict(exported) == reconciled
    assert len(reconciled) >= 4  # openai, azure, self-hosted GPU, a feature-tagged platform


def test_rows_carry_the_hand_computed_allocation(billing_export) -> None:
    """tests/fixtures/billing/README.md: c3 + c4 tokens 0.00825 + 0.004; the $0.30 vector
    database row split 0.10 each over c3, c4 (gpt-4o) and c5 (gpt-4o-mini); the GPU day $48."""
    _, rows = billing_export
    by_key = {
        (
            row["ChargePeriodStart"][:10],
            row["ServiceName"],
            row["x_Model"],
            row["x_FeatureTag"],
        ): row
        for row in rows
    }
    tokens = by_key[("2024-10-01", "OpenAI API", "gpt-4o", "support_chat")]
    assert Decimal(tokens["EffectiveCost"]) == Decimal("0.01225")
    assert tokens["x_IntentCount"] == "1" and tokens["x_Calls"] == "2"
    vector = by_key[("2024-10-01", "Vector database", "gpt-4o", "support_chat")]
    assert Decimal(vector["EffectiveCost"]) == Decimal("0.2")
    assert vector["ProviderName"] == "Pinecone"
    gpu = next(row for row in rows if row["x_CostSource"] == "gpu_rate_seed")
    assert Decimal(gpu["EffectiveCost"]) == Decimal("48")
    assert gpu["x_Model"] == "llama-3.1-8b"


def test_export_of_a_build_without_billing_fails_loudly(
    whatif_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "allocated.csv"
    assert aiue(["export-focus", "--db", str(whatif_build.db_path), "--out", str(out)]) == 2
    assert "no allocated AI cost in this build" in capsys.readouterr().err
    assert not out.exists()


def test_cli_writes_the_file_and_its_total(
    billing_build: Build, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "allocated.csv"
    assert aiue(["export-focus", "--db", str(billing_build.db_path), "--out", str(out)]) == 0
    assert "EffectiveCost 48.60495 allocated in total" in capsys.readouterr().out
    header, _ = read_export(out)
    # The standard and x_ columns, then the build's pass-through dimensions (default tenant_id).
    assert header == [*focus_export.HEADER, "x_TenantId"]
