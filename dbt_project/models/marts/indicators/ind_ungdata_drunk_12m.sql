-- ungdata_drunk_12m: share of Ungdata respondents who were clearly drunk at least once in the
-- last 12 months, of those answering the item.
with

{{ indicator_select(
    ref('int_ungdata_cells'),
    numerator='sum(drunk_12m)',
    denominator='sum(answered_drunk)',
    geo=[[('county', 'county_code'), ('municipality', 'municipality_code')]], sex=true, breakdowns=['grade'],
) }}
