"""Every model in the Django admin. Document text and offsets are read-only here:
labels change through the services (and their event log), never by hand.
"""
from django.contrib import admin

from annotator import models


class LabelInline(admin.TabularInline):
    model = models.Label
    extra = 0


class MembershipInline(admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [LabelInline, MembershipInline]


@admin.register(models.Label)
class LabelAdmin(admin.ModelAdmin):
    list_display = ["name", "project", "hotkey", "color", "position"]
    list_filter = ["project"]


@admin.register(models.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["project", "role"]
    autocomplete_fields = ["user"]


@admin.register(models.Document)
class DocumentAdmin(admin.ModelAdmin):
    list_display = ["id", "title", "project", "length", "created_at"]
    list_filter = ["project"]
    search_fields = ["title"]
    readonly_fields = ["text", "length", "text_sha256", "created_at"]

    def has_add_permission(self, request):
        return False  # documents come in through import and load_seeds, normalised


@admin.register(models.DocumentStatus)
class DocumentStatusAdmin(admin.ModelAdmin):
    list_display = ["document", "annotator", "status", "updated_at"]
    list_filter = ["status"]


class LabelRowAdmin(admin.ModelAdmin):
    list_display = ["id", "document", "annotator", "origin", "status", "review_state", "version"]
    list_filter = ["origin", "status", "review_state"]
    list_select_related = ["document", "annotator"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.Span)
class SpanAdmin(LabelRowAdmin):
    list_display = LabelRowAdmin.list_display + ["label", "start", "end", "quote"]
    list_select_related = LabelRowAdmin.list_select_related + ["label"]


@admin.register(models.Attribution)
class AttributionAdmin(LabelRowAdmin):
    pass


@admin.register(models.ClaimFragment)
class ClaimFragmentAdmin(admin.ModelAdmin):
    list_display = ["attribution", "span", "position"]


@admin.register(models.ReviewDecision)
class ReviewDecisionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "reviewer", "document", "span", "attribution", "decision"]
    list_filter = ["decision"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only


@admin.register(models.PretagJob)
class PretagJobAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "tagger_name", "state", "done", "total", "created_at"]
    list_filter = ["state"]


@admin.register(models.PretagJobItem)
class PretagJobItemAdmin(admin.ModelAdmin):
    list_display = ["job", "document", "state", "suggestions"]
    list_filter = ["state"]


@admin.register(models.ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    list_display = ["id", "project", "format", "layer", "state", "done", "total", "size",
                    "created_at"]
    list_filter = ["state", "format"]
    readonly_fields = ["file_name", "sha256", "size", "counts"]


@admin.register(models.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "document"]
    list_filter = ["action", "target_type"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.IdempotencyKey)
class IdempotencyKeyAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "method", "path", "status_code"]
    list_filter = ["method"]

    def has_add_permission(self, request):
        return False  # written by the API only (api/idempotency.py)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.WorkerPing)
class WorkerPingAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "answered_at", "worker"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are made through the API (the secret is shown to its owner once); here an
    admin sees who has which and revokes them."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "expires_at",
                    "revoked_at"]
    list_select_related = ["user"]
    list_filter = ["revoked_at"]
    search_fields = ["name", "prefix", "user__username"]
    readonly_fields = ["user", "name", "prefix", "digest", "created_at", "last_used_at",
                       "expires_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        from annotator.services.accounts import api_token_revoke

        for token in queryset:
            api_token_revoke(token=token)
