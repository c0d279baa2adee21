-- Goal 1 of the escalation plan, wide: see macros/goal_wide_mart.sql.
{{ goal_wide_mart(1) }}
