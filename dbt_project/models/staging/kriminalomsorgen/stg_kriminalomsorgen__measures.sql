with

source as (

    select * from {{ source('kriminalomsorgen', 'kriminalomsorgen_measures') }}

),

renamed as (

    select

        ----------  dimensions
        cast(aar as integer) as year,
        case enhet_type when 'nd_kontor' then 'nd_office' when 'region' then 'correctional_region'
        end as unit_level,
        cast(enhet_kode as varchar) as unit_code,
        cast(enhet_navn as varchar) as unit_name,
        case tiltak when 'nd_dom' then 'nd_sentence' when 'paragraf_12' then 'section12_transfer'
        end as measure,

        ----------  measures
        cast(antall as bigint) as count,

        ----------  lineage
        _load_id as load_id

    from source

)

select * from renamed
