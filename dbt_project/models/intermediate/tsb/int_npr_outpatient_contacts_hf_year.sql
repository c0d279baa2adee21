-- Outpatient TSB contacts per HF, year, sex and contact type, counted from NPR's person-level
-- rows: the register's side of Samdata's HF totals (tests/npr_contacts_match_samdata.sql).
with

contacts as (

    select * from {{ ref('stg_npr__outpatient_contacts') }}

),

trusts as (

    select distinct hf_name, hf_code, rhf_code from {{ ref('ref_geography_2024') }}

)

select
    year(contacts.contact_date) as year,
    trusts.rhf_code,
    trusts.hf_code,
    contacts.reporting_unit_name as hf_name,
    contacts.sex,
    contacts.contact_type,
    count(*) as contacts,
    count(distinct contacts.person_key) as persons,
    count(distinct contacts.episode_id) as episodes
from contacts
left join trusts
    on trusts.hf_name = contacts.reporting_unit_name
group by all
