-- pasopp_low_influence: share of TSB inpatients answering 'not at all' or 'to a small extent'
-- (1-2 on the 1-5 scale) on influence over their treatment, of those answering (14 % in 2013).
with

{{ indicator_select(
    ref('stg_pasopp__respondents'),
    numerator='count(*) filter (where influence_score <= 2)',
    denominator='count(influence_score)',
    geo=[[('rhf', 'rhf_code')]],
) }}
