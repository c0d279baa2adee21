-- pasopp_no_ip: share of TSB inpatients answering that they have no individual plan, of those
-- answering (28 % in 2013; 23 % did not know, Prop. 15 S (2015–2016), ch. 2.3).
with

{{ indicator_select(
    'pasopp_no_ip', ref('stg_pasopp__respondents'), kind='share',
    numerator="count(*) filter (where individual_plan_answer = 'nei')",
    denominator='count(individual_plan_answer)',
    geo=[[('rhf', 'rhf_code')]],
) }}
