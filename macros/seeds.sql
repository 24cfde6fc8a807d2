{#- Where a FinOps-editable seed is read: the relation a var of the seed's own name gives (a
    model or source of your project, e.g. aiue_model_prices: "{{ ref('my_prices') }}"),
    else the package's seed. The relation needs the seed's columns (docs: README, "Replace a
    seed with your own model"). -#}
{% macro seed_relation(seed_name) -%}
  {%- set replacement = var(seed_name, none) -%}
  {%- if replacement is none or replacement | string | trim == '' -%}
    {{ return(ref(seed_name)) }}
  {%- endif -%}
  {{ return(replacement) }}
{%- endmacro %}
