{{ config(materialized='table', enabled=ai_unit_economics.is_using_billing()) }}
{#- Each billing bucket's money split over its calls (DESIGN.md §5), one row per bucket and
    call. Members:
      request   the call whose response_id (or trace_id-span_id) is the billed request id;
      token     that day's inference calls of the provider and model (response model, else
                the seed model that priced it, else request model) with tokens of that
                usage type, not billed by request;
      provider  that day's inference calls of the provider, not billed by request;
      gpu       that day's inference calls of the model (and provider, unless '*');
      feature   that day's calls (inference and tool) of the feature.
    Weights: the members' estimated cost of what the bucket bills, when every member has
    one and they sum above 0; else their tokens; else one each (gpu buckets: tokens; feature
    buckets: one each). share = billed x weight / total weight, rounded to the money type;
    the rounding residual goes to the heaviest member (ties: call_id), so the shares of a
    bucket add up to its billed cost exactly. A bucket whose net is below 0 (credits above
    charges) is not split: it stays unallocated. -#}
with buckets as (

    select * from {{ ref('int_aiue__billing_buckets_aggregated') }}
    where bucket_kind in ('request', 'token', 'provider', 'gpu', 'feature')
        and billed_cost >= 0

),

calls as (

    select
        call_id,
        response_id,
        call_date,
        provider_name,
        response_model,
        priced_model,
        request_model,
        feature_tag,
        is_inference,
        coalesce(input_tokens, 0) + coalesce(output_tokens, 0) as tokens,
        estimated_token_cost
    from {{ ref('int_aiue__calls_priced') }}

),

call_usages as (

    select
        call_id,
        usage_type,
        provider_name,
        response_model,
        priced_model,
        request_model,
        tokens,
        estimated_cost,
        call_date
    from {{ ref('int_aiue__call_usages') }}

),

request_members as (

    select
        buckets.bucket_id,
        calls.call_id,
        calls.estimated_token_cost as weight_cost,
        calls.tokens as weight_tokens
    from buckets
    inner join calls
        on buckets.bucket_kind = 'request'
        and (calls.response_id = buckets.request_id or calls.call_id = buckets.request_id)

),

exact_calls as (

    select distinct call_id from request_members

),

token_candidates as (

    select
        buckets.bucket_id,
        call_usages.call_id,
        call_usages.estimated_cost as weight_cost,
        call_usages.tokens as weight_tokens,
        row_number() over (
            partition by call_usages.call_id, call_usages.usage_type
            order by
                case
                    when buckets.response_model = call_usages.response_model then 1
                    when buckets.response_model = call_usages.priced_model then 2
                    else 3
                end
        ) as model_match_rank
    from buckets
    inner join call_usages
        on buckets.bucket_kind = 'token'
        and buckets.date_day = call_usages.call_date
        and buckets.provider_name = call_usages.provider_name
        and buckets.usage_type = call_usages.usage_type
        and (buckets.response_model = call_usages.response_model
            or buckets.response_model = call_usages.priced_model
            or buckets.response_model = call_usages.request_model)
    left join exact_calls
        on call_usages.call_id = exact_calls.call_id
    where exact_calls.call_id is null

),

provider_members as (

    select
        buckets.bucket_id,
        calls.call_id,
        calls.estimated_token_cost as weight_cost,
        calls.tokens as weight_tokens
    from buckets
    inner join calls
        on buckets.bucket_kind = 'provider'
        and buckets.date_day = calls.call_date
        and buckets.provider_name = calls.provider_name
        and calls.is_inference
    left join exact_calls
        on calls.call_id = exact_calls.call_id
    where exact_calls.call_id is null

),

gpu_members as (

    select
        buckets.bucket_id,
        calls.call_id,
        cast(null as {{ ai_unit_economics.type_money() }}) as weight_cost,
        calls.tokens as weight_tokens
    from buckets
    inner join calls
        on buckets.bucket_kind = 'gpu'
        and buckets.date_day = calls.call_date
        and (buckets.response_model = calls.response_model
            or buckets.response_model = calls.priced_model
            or buckets.response_model = calls.request_model)
        and (buckets.provider_name = '*' or buckets.provider_name = calls.provider_name)
        and calls.is_inference

),

feature_members as (

    select
        buckets.bucket_id,
        calls.call_id,
        cast(null as {{ ai_unit_economics.type_money() }}) as weight_cost,
        cast(null as {{ dbt.type_bigint() }}) as weight_tokens
    from buckets
    inner join calls
        on buckets.bucket_kind = 'feature'
        and buckets.date_day = calls.call_date
        and buckets.feature_tag = calls.feature_tag

),

members as (

    select bucket_id, call_id, weight_cost, weight_tokens from request_members
    union all
    select bucket_id, call_id, weight_cost, weight_tokens from token_candidates where model_match_rank = 1
    union all
    select bucket_id, call_id, weight_cost, weight_tokens from provider_members
    union all
    select bucket_id, call_id, weight_cost, weight_tokens from gpu_members
    union all
    select bucket_id, call_id, weight_cost, weight_tokens from feature_members

),

bucket_weights as (

    select
        bucket_id,
        count(*) as member_calls,
        sum(case when weight_cost is null then 1 else 0 end) as members_without_cost,
        sum(weight_cost) as total_cost_weight,
        sum(coalesce(weight_tokens, 0)) as total_token_weight
    from members
    group by bucket_id

),

bases as (

    select
        bucket_id,
        member_calls,
        case
            when members_without_cost = 0 and total_cost_weight > 0 then 'estimated_cost'
            when total_token_weight > 0 then 'tokens'
            else 'calls'
        end as weight_basis,
        total_cost_weight,
        total_token_weight
    from bucket_weights

),

weighted as (

    select
        members.bucket_id,
        members.call_id,
        buckets.bucket_kind,
        buckets.billed_cost,
        bases.weight_basis,
        bases.member_calls,
        members.weight_cost as estimated_cost,
        members.weight_tokens as tokens,
        case bases.weight_basis
            when 'estimated_cost' then cast(members.weight_cost as {{ ai_unit_economics.type_double() }})
            when 'tokens' then cast(coalesce(members.weight_tokens, 0) as {{ ai_unit_economics.type_double() }})
            else 1
        end as weight,
        case bases.weight_basis
            when 'estimated_cost' then cast(bases.total_cost_weight as {{ ai_unit_economics.type_double() }})
            when 'tokens' then cast(bases.total_token_weight as {{ ai_unit_economics.type_double() }})
            else cast(bases.member_calls as {{ ai_unit_economics.type_double() }})
        end as total_weight
    from members
    inner join buckets
        on members.bucket_id = buckets.bucket_id
    inner join bases
        on members.bucket_id = bases.bucket_id

),

rounded as (

    select
        *,
        cast(billed_cost * ({{ ai_unit_economics.ratio('weight', 'total_weight') }})
            as {{ ai_unit_economics.type_money() }}) as rounded_share,
        row_number() over (partition by bucket_id order by weight desc, call_id) as share_rank
    from weighted

),

final as (

    select
        bucket_id,
        call_id,
        bucket_kind,
        weight_basis,
        member_calls,
        estimated_cost,
        tokens,
        weight,
        cast(
            {{ ai_unit_economics.money_sum([
                'rounded_share',
                'case when share_rank = 1 then '
                ~ ai_unit_economics.money_difference(
                    'billed_cost', 'sum(rounded_share) over (partition by bucket_id)')
                ~ ' else 0 end']) }}
            as {{ ai_unit_economics.type_money() }}
        ) as allocated_cost
    from rounded

)

select * from final
