{{ config(severity='warn') }}
{#- A runaway intent is worth a look before the invoice shows it: the build warns with each one
    (aiue__runaway_intents says why it ran away) and does not fail. -#}
select intent_id, feature_tag, runaway_reason, calls, machine_cost, feature_median_machine_cost
from {{ ref('aiue__runaway_intents') }}
