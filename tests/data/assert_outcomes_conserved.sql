-- Every staged outcome row and every evaluation result labels an intent in aiue__intents or is
-- in aiue__rejected_outcomes.
with counts as (
    select
        (select count(*) from {{ ref('stg_aiue__app_outcomes') }})
            + (select count(*) from {{ ref('int_aiue__evaluations_judged') }}) as outcomes_in,
        (select count(*) from {{ ref('aiue__intents') }} where is_labeled) as labels_used,
        (select count(*) from {{ ref('aiue__rejected_outcomes') }}) as rejected_out
)
select *
from counts
where outcomes_in != labels_used + rejected_out
