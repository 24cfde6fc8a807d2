{#- The FOCUS Cost and Usage columns (FOCUS 1.0-1.3) the package reads, declared once:
    {FOCUS name lower-cased: (staged name, kind)}. Exports spell the names BilledCost,
    billedcost or BILLEDCOST; staging matches them in any letter case. Kinds:
      text       cleaned text ('' and literal NULL become null)
      amount     a number as exports write it (quoted, signed, exponent)
      timestamp  a UTC timestamp, staged as <staged name>_at
    stg_aiue__focus_costs keeps each as raw_<staged name> (what was given, for rejection
    messages) and parses it by its kind; x_ columns not listed here pass through unchanged.
    The order is the row hash's (focus_cost_id): append, never reorder.
    Python names the same columns where it writes or creates FOCUS tables (project.py
    FOCUS_COLUMNS, the sample invoice's header); tests/python/test_focus_contract.py checks
    them against this macro, no build needed. -#}
{% macro focus_columns() -%}
  {{ return({
    'availabilityzone': ('availability_zone', 'text'),
    'billedcost': ('billed_cost', 'amount'),
    'billingaccountid': ('billing_account_id', 'text'),
    'billingaccountname': ('billing_account_name', 'text'),
    'billingcurrency': ('billing_currency', 'text'),
    'billingperiodend': ('billing_period_end', 'timestamp'),
    'billingperiodstart': ('billing_period_start', 'timestamp'),
    'chargecategory': ('charge_category', 'text'),
    'chargeclass': ('charge_class', 'text'),
    'chargedescription': ('charge_description', 'text'),
    'chargefrequency': ('charge_frequency', 'text'),
    'chargeperiodend': ('charge_period_end', 'timestamp'),
    'chargeperiodstart': ('charge_period_start', 'timestamp'),
    'commitmentdiscountid': ('commitment_discount_id', 'text'),
    'commitmentdiscountstatus': ('commitment_discount_status', 'text'),
    'commitmentdiscounttype': ('commitment_discount_type', 'text'),
    'consumedquantity': ('consumed_quantity', 'amount'),
    'consumedunit': ('consumed_unit', 'text'),
    'contractedcost': ('contracted_cost', 'amount'),
    'effectivecost': ('effective_cost', 'amount'),
    'hostprovidername': ('host_provider_name', 'text'),
    'id': ('source_id', 'text'),
    'invoiceid': ('invoice_id', 'text'),
    'invoiceissuername': ('invoice_issuer_name', 'text'),
    'listcost': ('list_cost', 'amount'),
    'pricingcategory': ('pricing_category', 'text'),
    'pricingcurrency': ('pricing_currency', 'text'),
    'pricingquantity': ('pricing_quantity', 'amount'),
    'pricingunit': ('pricing_unit', 'text'),
    'providername': ('provider_name', 'text'),
    'publishername': ('publisher_name', 'text'),
    'regionid': ('region_id', 'text'),
    'regionname': ('region_name', 'text'),
    'resourceid': ('resource_id', 'text'),
    'resourcename': ('resource_name', 'text'),
    'resourcetype': ('resource_type', 'text'),
    'servicecategory': ('service_category', 'text'),
    'servicename': ('service_name', 'text'),
    'serviceprovidername': ('service_provider_name', 'text'),
    'servicesubcategory': ('service_subcategory', 'text'),
    'skuid': ('sku_id', 'text'),
    'skumeter': ('sku_meter', 'text'),
    'skupriceid': ('sku_price_id', 'text'),
    'subaccountid': ('sub_account_id', 'text'),
    'subaccountname': ('sub_account_name', 'text'),
    'tags': ('tags', 'text'),
    'x_skumetername': ('x_sku_meter_name', 'text'),
    'x_usagetype': ('x_usage_type', 'text'),
  }) }}
{%- endmacro %}
