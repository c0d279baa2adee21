-- Nobody answers yes to an item more often than they answer it, nor answers more than took part.
select *
from {{ ref('stg_ungdata__responses') }}
where answered_drunk > respondents
    or drunk_12m > answered_drunk
    or answered_cannabis > respondents
    or cannabis_12m > answered_cannabis
