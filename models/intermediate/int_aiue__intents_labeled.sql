{{ config(materialized='view') }}
{#- Intents joined to their winning outcome label (outcomes.csv, else an evaluation result;
    int_aiue__outcomes_ranked) and costed for human labour with the seed rows that held on the
    intent's day for its feature and escalation channel, and valued (the
    aiue_outcome_values row of its feature on its day, when the optional seed has one). -#}
with intents as (

    select * from {{ ref('int_aiue__intents_aggregated') }}

),

labels as (

    select * from {{ ref('int_aiue__outcomes_ranked') }}
    where rejection_reason is null

),

labeled as (

    select
        intents.*,
        labels.intent_id is not null as is_labeled,
        labels.is_success,
        coalesce(labels.is_escalated, false) as is_escalated,
        coalesce(labels.is_human_reviewed, false) as is_human_reviewed,
        labels.label_source,
        labels.evaluator_type as label_evaluator_type,
        labels.signal as outcome_signal,
        labels.escalation_channel,
        labels.labeled_at,
        coalesce(intents.feature_tag, '') as rate_feature_tag,
        coalesce(labels.escalation_channel, '') as rate_escalation_channel
    from intents
    left join labels
        on intents.intent_id = labels.intent_id

),

escalation_rates as (

    select
        feature_tag as rate_feature_tag,
        escalation_channel as rate_escalation_channel,
        valid_from,
        valid_to,
        cost_per_ticket
    from {{ ref('stg_aiue__seed_escalation_costs') }}

),

review_rates as (

    select
        feature_tag as rate_feature_tag,
        valid_from,
        valid_to,
        cost_per_review
    from {{ ref('stg_aiue__seed_review_costs') }}

),

escalation_keys as (

    select distinct rate_feature_tag, rate_escalation_channel, intent_date
    from labeled
    where is_escalated

),

outcome_values as (

    select
        feature_tag as rate_feature_tag,
        valid_from,
        valid_to,
        value_per_success
    from {{ ref('stg_aiue__seed_outcome_values') }}

),

value_keys as (

    select distinct rate_feature_tag, intent_date
    from labeled

),

review_keys as (

    select distinct rate_feature_tag, intent_date
    from labeled
    where is_human_reviewed

),

matched_escalation_rates as (

    {{ ai_unit_economics.effective_dated_match(
        'escalation_keys', 'escalation_rates',
        ['rate_feature_tag', 'rate_escalation_channel'], 'intent_date', ['cost_per_ticket']) }}

),

matched_review_rates as (

    {{ ai_unit_economics.effective_dated_match(
        'review_keys', 'review_rates', ['rate_feature_tag'], 'intent_date', ['cost_per_review']) }}

),

matched_outcome_values as (

    {{ ai_unit_economics.effective_dated_match(
        'value_keys', 'outcome_values', ['rate_feature_tag'], 'intent_date', ['value_per_success']) }}

),

final as (

    select
        labeled.*,
        cast(
            case when labeled.is_escalated then coalesce(matched_escalation_rates.cost_per_ticket, 0) else 0 end
            as {{ ai_unit_economics.type_money() }}
        ) as escalation_cost,
        cast(
            case when labeled.is_human_reviewed then coalesce(matched_review_rates.cost_per_review, 0) else 0 end
            as {{ ai_unit_economics.type_money() }}
        ) as review_cost,
        (labeled.is_escalated and matched_escalation_rates.cost_per_ticket is null)
            or (labeled.is_human_reviewed and matched_review_rates.cost_per_review is null)
            as is_missing_labor_rate,
        matched_outcome_values.value_per_success as outcome_value_per_success
    from labeled
    left join matched_escalation_rates
        on labeled.rate_feature_tag = matched_escalation_rates.rate_feature_tag
        and labeled.rate_escalation_channel = matched_escalation_rates.rate_escalation_channel
        and labeled.intent_date = matched_escalation_rates.intent_date
    left join matched_review_rates
        on labeled.rate_feature_tag = matched_review_rates.rate_feature_tag
        and labeled.intent_date = matched_review_rates.intent_date
    left join matched_outcome_values
        on labeled.rate_feature_tag = matched_outcome_values.rate_feature_tag
        and labeled.intent_date = matched_outcome_values.intent_date

)

select * from final
