-- Goal 2 of the escalation plan, wide: see macros/goal_wide_mart.sql.
{{ goal_wide_mart(2) }}
