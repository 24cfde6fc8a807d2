{#- Our FinOps team's ticket costs, in the columns of the package's aiue_escalation_costs seed:
    var aiue_escalation_costs points the package at this model instead of its seed. -#}
with ticket_costs as (

    select * from {{ ref('finops_ticket_costs') }}

),

final as (

    select
        '*' as feature_tag,
        channel as escalation_channel,
        cast(null as {{ dbt.type_numeric() }}) as minutes_per_ticket,
        cast(null as {{ dbt.type_numeric() }}) as loaded_hourly_rate,
        ticket_cost_usd as cost_per_ticket,
        'USD' as currency,
        effective_from as valid_from,
        cast(null as date) as valid_to
    from ticket_costs

)

select * from final
