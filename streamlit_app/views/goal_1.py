"""Main goal 1."""

import goal_view

goal_view.render(1)
