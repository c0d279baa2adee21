-- ungdata_cannabis_12m: share of Ungdata respondents who used cannabis in the last 12 months,
-- of those answering the item.
with

{{ indicator_select(
    ref('int_ungdata_cells'),
    numerator='sum(cannabis_12m)',
    denominator='sum(answered_cannabis)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]], sex=true, breakdowns=['grade'],
) }}
