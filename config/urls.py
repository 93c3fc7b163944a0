from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotator import views

urlpatterns = [
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("documents/<int:document_id>/", views.workspace, name="workspace"),
    path("documents/<int:document_id>/review/", views.review_page, name="review-page"),
    path("review/", views.review_queue_page, name="review-queue-page"),
    path("projects/<int:project_id>/agreement/", views.agreement_page, name="agreement-page"),
    path("projects/<int:project_id>/dashboard/", views.dashboard_page, name="dashboard-page"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/", include("annotator.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), so the
    # page needs no inline script; Swagger UI's stylesheet still needs inline styles
    # and data: images (its icons).
    path("api/docs/", csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]

handler400 = "config.security.bad_request"
handler404 = "annotator.api.errors.not_found"
handler500 = "annotator.api.errors.server_error"
