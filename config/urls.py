from csp.constants import UNSAFE_INLINE
from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, reverse_lazy
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from annotator import views

urlpatterns = [
    # First: most requests are the API's, and each pattern before a match is a regex tried.
    path("api/", include("annotator.api.urls")),
    path("", views.home, name="home"),
    path("projects/<int:project_id>/", views.project_page, name="project"),
    path("documents/<int:document_id>/", views.workspace, name="workspace"),
    path("documents/<int:document_id>/review/", views.review_page, name="review-page"),
    path("review/", views.review_queue_page, name="review-queue-page"),
    path("projects/<int:project_id>/agreement/", views.agreement_page, name="agreement-page"),
    path("projects/<int:project_id>/dashboard/", views.dashboard_page, name="dashboard-page"),
    path("projects/<int:project_id>/explorer/", views.explorer_page, name="explorer-page"),
    path("projects/<int:project_id>/entities/", views.entities_page, name="entities-page"),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.password_change_page, name="password-change"),
    path("healthz", views.health, name="health"),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves Swagger UI's start-up script as a file (?script), so the
    # page needs no inline script; Swagger UI's stylesheet still needs inline styles
    # and data: images (its icons).
    # Running a project from the browser (branch projects-ui).
    path("projects/new/", views.project_new_page, name="project-new"),
    path("projects/<int:project_id>/settings/", views.project_settings_page,
         name="project-settings"),
    path("projects/<int:project_id>/members/", views.project_members_page,
         name="project-members"),
    path("accounts/set-password/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(
        template_name="registration/set_password.html",
        success_url=reverse_lazy("set-password-done")), name="set-password"),
    path("accounts/set-password/done/", auth_views.PasswordResetCompleteView.as_view(
        template_name="registration/set_password_done.html"), name="set-password-done"),
    path("api/docs/", csp_update({"style-src": [UNSAFE_INLINE], "img-src": ["data:"]})(
        SpectacularSwaggerSplitView.as_view(url_name="schema")), name="api-docs"),
]

handler400 = "config.security.bad_request"
handler404 = "annotator.api.errors.not_found"
handler500 = "annotator.api.errors.server_error"
