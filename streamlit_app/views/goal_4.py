"""Main goal 4."""

import goal_view

goal_view.render(4)
