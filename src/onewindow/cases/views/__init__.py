"""Case pages: the window (clerk) pages, the department pages (inbox, task, head, supervisor) and
the public progress query. Each module defines its own `urlpatterns`."""
