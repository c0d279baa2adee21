-- Where NPR's outpatient contacts were delivered, they add up per HF and year to the
-- outpatient consultations Samdata reports (both count the same register's contacts).
with npr as (
    select year, hf_name, sum(contacts) as contacts
    from {{ ref('int_npr_outpatient_contacts_hf_year') }}
    group by all
)
select npr.year, npr.hf_name, npr.contacts, samdata.outpatient_consultations
from npr
left join {{ ref('int_samdata_tsb_activity') }} as samdata
    on samdata.year = npr.year and samdata.hf_name = npr.hf_name
where samdata.outpatient_consultations is distinct from npr.contacts
