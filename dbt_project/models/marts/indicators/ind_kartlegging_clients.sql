-- kartlegging_clients: clients registered in the census (3 390 at specialised institutions in
-- 2003, 31 % women), by institution type, heavy use (tungt belastet), sex and RHF.
with

{{ indicator_select(
    ref('int_kartlegging_clients'),
    numerator='count(*)',
    breakdowns=['institution_type', 'heavy_user'], sex=true,
    geo=[[('rhf', 'rhf_code')]],
) }}
