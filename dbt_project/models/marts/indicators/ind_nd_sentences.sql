-- nd_sentences: sentences to the drug programme with court control (ND) per probation office
-- (Oslo 14 and Bergen 10 in 2014, Prop. 15 S (2015–2016), ch. 3.4.8); the country is the sum of
-- the offices.
with

sentences as (

    select * from {{ ref('stg_kriminalomsorgen__measures') }}
    where unit_level = 'nd_office' and measure = 'nd_sentence'

),

{{ indicator_select(
    'sentences',
    numerator='sum(count)',
    geo=[[('nd_office', 'unit_code')]],
) }}
