from onewindow.cases.views import public, review, search, signing, supervision, window

app_name = "cases"

# URL names the site navigation relies on: cases:intake (window), cases:inbox (reviewers and
# heads), cases:supervision (supervisors), cases:progress (public), cases:search (the staff search box).
urlpatterns = [
    *window.urlpatterns,
    *review.urlpatterns,
    *signing.urlpatterns,
    *supervision.urlpatterns,
    *public.urlpatterns,
    *search.urlpatterns,
]
