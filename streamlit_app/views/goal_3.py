"""Main goal 3."""

import goal_view

goal_view.render(3)
