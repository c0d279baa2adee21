-- The plan's measures year by year: each owner's status, judged against the year the plan
-- gives it (late: due and not carried out), with the first year it was carried out. The
-- report's progress table per goal, the plan's annual summary of progress (ch. 4).
with

statuses as (

    select * from {{ ref('stg_tiltaksregister__status') }}

),

measures as (

    select * from {{ ref('stg_catalog__measures') }}

),

first_done as (

    select measure_id, min(year) as carried_out_year
    from statuses
    where status = 'carried_out'
    group by measure_id

)

select
    statuses.year,
    measures.goal,
    measures.measure_id,
    measures.measure_order,
    measures.measure_no,
    measures.measure_en,
    measures.owner_no,
    measures.owner_en,
    measures.due_year,
    statuses.status,
    case
        when statuses.status = 'carried_out' then 'carried_out'
        when statuses.year >= measures.due_year then 'late'
        else statuses.status
    end as progress,
    case when first_done.carried_out_year <= statuses.year then first_done.carried_out_year end
        as carried_out_year,
    statuses.evidence,
    measures.source_ref_no,
    measures.source_ref_en,
    statuses.load_id
from statuses
inner join measures on statuses.measure_id = measures.measure_id
left join first_done on statuses.measure_id = first_done.measure_id
