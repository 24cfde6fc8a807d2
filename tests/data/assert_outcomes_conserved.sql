-- Every staged outcome row labels an intent in fct_intents or is in rejected_outcomes.
with counts as (
    select
        (select count(*) from {{ ref('stg_aiue__app_outcomes') }}) as outcomes_in,
        (select count(*) from {{ ref('fct_intents') }} where is_labeled) as labels_used,
        (select count(*) from {{ ref('rejected_outcomes') }}) as rejected_out
)
select *
from counts
where outcomes_in != labels_used + rejected_out
