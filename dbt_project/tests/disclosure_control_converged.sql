-- The last round of secondary suppression hid nothing new, so the rounds reached the fixed
-- point: raise var('disclosure_rounds') if this fails.
select row_id
from {{ ref('int_indicator_disclosure') }}
where is_hidden_in_last_round
