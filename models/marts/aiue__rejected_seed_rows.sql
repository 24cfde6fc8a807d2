{#- Every seed row that is left out, one row each: a cell that does not parse or is out of
    range, a negative amount, a value outside its list, a currency other than the reporting
    currency, or a conflict (two rows with the same key and start date, where
    which one holds would be a matter of file order). The other rows of the seed still
    build. The checks are declared in macros/seed_checks.sql. -#}
{%- set seeds = ai_unit_economics.seed_cell_checks().keys() | list | sort -%}

with
{% for seed in seeds -%}
{{ ai_unit_economics.seed_checked(seed, seed ~ '_') }}
{% endfor %}

rejected as (

    {% for seed in seeds -%}
    select
        '{{ seed }}' as seed_name,
        seed_row_number,
        rejection_column,
        rejection_value,
        rejection_reason
    from {{ seed }}_checked
    where rejection_reason is not null
    {{ 'union all' if not loop.last }}
    {% endfor %}

),

final as (

    select
        {{ dbt.concat(['seed_name', "'-'", 'cast(seed_row_number as ' ~ dbt.type_string() ~ ')']) }} as rejected_seed_row_id,
        seed_name,
        rejection_column,
        rejection_value,
        rejection_reason,
        seed_row_number
    from rejected

)

select * from final
