"""Main goal 2."""

import goal_view

goal_view.render(2)
