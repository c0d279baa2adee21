-- Every TSB episode is mapped to exactly one 2024 municipality, HF and RHF.
select
    (select count(*) from {{ ref('stg_npr__tsb_episodes') }}) as episodes,
    (select count(*) from {{ ref('int_tsb_episodes_enriched') }} where rhf_code is not null) as mapped
where episodes <> mapped
