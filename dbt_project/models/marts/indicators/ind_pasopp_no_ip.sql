-- pasopp_no_ip: share of TSB inpatients answering that they have no individual plan, of those
-- answering (28 % in 2013; 23 % did not know, Prop. 15 S (2015–2016), ch. 2.3).
with

{{ indicator_select(
    ref('stg_pasopp__respondents'),
    numerator="count(*) filter (where individual_plan_answer = 'nei')",
    denominator='count(individual_plan_answer)',
    geo=[[('rhf', 'rhf_code')]],
) }}
