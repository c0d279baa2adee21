-- drug_induced_deaths: drug-induced deaths (EMCDDA selection B) per year, by county of the year's
-- geography, sex and age band (Dødsårsaksregisteret; 234 in 2013, Prop. 15 S (2015–2016), ch. 2.1).
with

{{ indicator_select(
    ref('int_drug_death_cells'),
    numerator='sum(deaths)',
    geo=[[('county', 'county_code')]], sex=true, age_group=true,
) }}
