"""Workspaces (工作台): where each role lands after signing in, and the worklists behind them.

This app owns no tables. It shows the reads of `cases` (cases.queries) and of `delivery`
(delivery.queries) side by side: the clerk's list of results waiting at their window belongs to
delivery, the others to cases, and `cases` must not import `delivery` at module level (that was an
import cycle). An app above both may import both, as the site's URLs do. docs/cases.md,
"Workspaces and worklists", lists who sees what.
"""
