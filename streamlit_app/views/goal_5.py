"""Main goal 5."""

import goal_view

goal_view.render(5)
