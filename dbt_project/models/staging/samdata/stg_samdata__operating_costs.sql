with

source as (

    select * from {{ source('samdata', 'samdata_operating_costs') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        cast(rhf as varchar) as rhf_name,
        cast(helseforetak as varchar) as hf_name,
        case sektor
            when 'Somatikk' then 'somatics'
            when 'PHV voksne' then 'phv_adults'
            when 'PHV barn og unge' then 'phv_children'
            when 'TSB' then 'tsb'
        end as sector,

        ----------  measures
        -- exact decimals: sums of doubles depend on the order DuckDB's threads add them in
        cast(driftskostnader_mnok as decimal(14, 1)) as cost_mnok_current,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
