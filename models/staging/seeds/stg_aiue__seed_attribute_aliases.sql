{#- The aiue_attribute_aliases seed: which attribute (or column) fills which genai_spans
    contract column. The span layout models read the same rows (attribute_alias_rows) from
    the seed itself when they compile. -#}
{{ ai_unit_economics.attribute_aliases_select() }}
