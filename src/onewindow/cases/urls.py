from onewindow.cases.views import public, review, signing, supervision, window

app_name = "cases"

# URL names the site navigation relies on: cases:intake (window), cases:inbox (reviewers and
# heads), cases:supervision (supervisors), cases:progress (public).
urlpatterns = [
    *window.urlpatterns,
    *review.urlpatterns,
    *signing.urlpatterns,
    *supervision.urlpatterns,
    *public.urlpatterns,
]
