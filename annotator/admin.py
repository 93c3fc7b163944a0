"""Every model in the Django admin. Document text and offsets are read-only here:
labels change through the services (and their event log), never by hand.

Every form of this admin is a CheckedForm: what a lone surrogate or a NaN would break
(a JSON field's "\\udc80" or NaN, typed into its text box) is refused like in the API,
and a refused form answers 400.
"""
from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.db.models import JSONField

from annotator import models, text
from annotator.services.accounts import api_token_revoke


class CheckedJSONField(forms.JSONField):
    """A JSON text box whose value must pass annotator.text.input_problems. Sent back
    with its error, it shows the text as typed: Django's own field would write the
    decoded value again, lone surrogate included, and the page itself would fail."""

    def to_python(self, value):
        decoded = super().to_python(value)
        try:
            text.check_input(decoded)
        except ValidationError as exc:
            raise ValidationError([f"{path}: {reason}" if path != "non_field_errors"
                                   else reason for path, reasons in exc.message_dict.items()
                                   for reason in reasons]) from None
        return decoded

    def bound_data(self, data, initial):
        value = super().bound_data(data, initial)
        if not isinstance(value, forms.fields.InvalidJSONInput) and text.input_problems(value):
            return forms.fields.InvalidJSONInput(data)
        return value


class CheckedForm(forms.ModelForm):
    """A model form whose cleaned values all pass annotator.text.input_problems, like the
    API's bodies and the imports (the form body itself must be UTF-8:
    config.security.StrictFormMiddleware)."""

    def clean(self):
        cleaned = super().clean()
        for name, value in list(cleaned.items()):
            try:
                text.check_input(value, name)
            except ValidationError as exc:
                self.add_error(name if name in self.fields else None, [
                    reason if path == name else f"{path}: {reason}"
                    for path, reasons in exc.message_dict.items() for reason in reasons])
        return cleaned


class Checked:
    """What every admin class here has: checked forms and checked JSON text boxes."""

    form = CheckedForm
    formfield_overrides = {JSONField: {"form_class": CheckedJSONField}}


class CheckedAdmin(Checked, admin.ModelAdmin):
    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        response = super().changeform_view(request, object_id, form_url, extra_context)
        # A form sent back with its errors is a refusal: say so (Django's admin says 200).
        if request.method == "POST" and getattr(response, "context_data", None) and \
                response.context_data.get("errors"):
            response.status_code = 400
        return response


class ReadOnlyAdmin(CheckedAdmin):
    """Listed, never added, changed or deleted by hand (derived data, or data that
    only a service writes, with its events)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LabelInline(Checked, admin.TabularInline):
    model = models.Label
    extra = 0


class MembershipInline(Checked, admin.TabularInline):
    model = models.Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(models.Project)
class ProjectAdmin(CheckedAdmin):
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    inlines = [LabelInline, MembershipInline]


@admin.register(models.Label)
class LabelAdmin(CheckedAdmin):
    list_display = ["name", "project", "hotkey", "color", "position"]
    list_filter = ["project"]


@admin.register(models.Membership)
class MembershipAdmin(CheckedAdmin):
    list_display = ["user", "project", "role"]
    list_filter = ["project", "role"]
    autocomplete_fields = ["user"]


@admin.register(models.Document)
class DocumentAdmin(CheckedAdmin):
    list_display = ["id", "title", "project", "length", "created_at"]
    list_filter = ["project"]
    search_fields = ["title"]
    readonly_fields = ["text", "length", "text_sha256", "created_at"]

    def has_add_permission(self, request):
        return False  # documents come in through import and load_seeds, normalised


@admin.register(models.DocumentStatus)
class DocumentStatusAdmin(CheckedAdmin):
    list_display = ["document", "annotator", "status", "updated_at"]
    list_filter = ["status"]


class LabelRowAdmin(CheckedAdmin):
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
class ClaimFragmentAdmin(CheckedAdmin):
    list_display = ["attribution", "span", "position"]


@admin.register(models.ReviewDecision)
class ReviewDecisionAdmin(CheckedAdmin):
    list_display = ["created_at", "reviewer", "document", "span", "attribution", "decision"]
    list_filter = ["decision"]

    def has_change_permission(self, request, obj=None):
        return False  # append-only


@admin.register(models.PretagJob)
class PretagJobAdmin(CheckedAdmin):
    list_display = ["id", "project", "tagger_name", "state", "done", "total", "created_at"]
    list_filter = ["state"]


@admin.register(models.PretagJobItem)
class PretagJobItemAdmin(CheckedAdmin):
    list_display = ["job", "document", "state", "suggestions"]
    list_filter = ["state"]


@admin.register(models.ExportJob)
class ExportJobAdmin(CheckedAdmin):
    list_display = ["id", "project", "format", "layer", "state", "done", "total", "size",
                    "created_at"]
    list_filter = ["state", "format"]
    readonly_fields = ["file_name", "sha256", "size", "counts"]


@admin.register(models.TaggerModel)
class TaggerModelAdmin(CheckedAdmin):
    list_display = ["id", "project", "version", "tagger_name", "tagger_version", "in_use",
                    "created_by", "created_at"]
    list_filter = ["in_use", "tagger_name"]
    readonly_fields = ["path", "training_sha256", "counts", "scores", "curve"]


@admin.register(models.TrainingJob)
class TrainingJobAdmin(CheckedAdmin):
    list_display = ["id", "project", "tagger_name", "state", "done", "total", "created_at"]
    list_filter = ["state"]


@admin.register(models.Event)
class EventAdmin(CheckedAdmin):
    list_display = ["created_at", "actor", "action", "target_type", "target_id", "document"]
    list_filter = ["action", "target_type"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.IdempotencyKey)
class IdempotencyKeyAdmin(CheckedAdmin):
    list_display = ["created_at", "user", "method", "path", "status_code"]
    list_filter = ["method"]

    def has_add_permission(self, request):
        return False  # written by the API only (api/idempotency.py)

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(models.WorkerPing)
class WorkerPingAdmin(CheckedAdmin):
    list_display = ["id", "created_at", "answered_at", "worker"]


@admin.register(models.ApiToken)
class ApiTokenAdmin(CheckedAdmin):
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
        for token in queryset:
            api_token_revoke(token=token)


@admin.register(models.PasswordChangeRequired)
class PasswordChangeRequiredAdmin(CheckedAdmin):
    """Accounts that still sign in with a one-time password. Adding one makes that user
    choose a new password at their next sign-in; deleting one lets them keep theirs."""

    list_display = ["user", "created_at"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]


@admin.register(models.Assignment)
class AssignmentAdmin(ReadOnlyAdmin):
    """Read only: assignments are made on the project page or through the API, by
    services/assignments.py, which records each as an event."""

    list_display = ["document", "annotator", "assigned_by", "created_at"]
    search_fields = ["annotator__username", "document__title"]


@admin.register(models.SourceEntity)
class SourceEntityAdmin(ReadOnlyAdmin):
    """Read only: entities are made, renamed and merged through the API (services/entities.py
    records each change as an event, and a merge moves every mention)."""

    list_display = ["name", "type", "project", "created_by", "updated_at"]
    list_filter = ["type"]
    search_fields = ["name"]


@admin.register(models.ExplorerRow)
class ExplorerRowAdmin(ReadOnlyAdmin):
    """Read only: derived data (services/explorer_rows.py writes it with the labels;
    `manage.py explorer_rows_rebuild` makes it again)."""

    list_display = ["attribution", "layer", "document", "entity", "outlet", "month"]
    list_select_related = ["attribution", "document", "entity"]


@admin.register(models.ExplorerCell)
class ExplorerCellAdmin(ReadOnlyAdmin):
    """Read only: derived data (services/explorer_cells.py makes it from the explorer's
    rows; `manage.py explorer_rows_rebuild` makes it again)."""

    list_display = ["project", "layer", "kind", "entity", "outlet", "month", "attribute",
                    "value", "claims", "documents"]
    list_select_related = ["project", "entity"]


@admin.register(models.ExplorerStale)
class ExplorerStaleAdmin(ReadOnlyAdmin):
    """Read only: a member's layer of a document waiting for its next read to bring its
    explorer rows up to date (services/explorer_stale.py)."""

    list_display = ["project", "document", "layer", "seq"]
    list_select_related = ["project", "document"]


@admin.register(models.DocumentChange)
class DocumentChangeAdmin(ReadOnlyAdmin):
    """Read only: a document's stamps, kept by the database's triggers; the key of the
    cached document details (selectors/detail_cache.py)."""

    list_display = ["document_id", "layer", "stamp"]


@admin.register(models.ClaimGroupMember)
class ClaimGroupMemberAdmin(ReadOnlyAdmin):
    """Read only: derived data (services/claim_groups.py, kept by workers;
    `manage.py claim_groups_rebuild` makes it again)."""

    list_display = ["claim_key", "document", "group_key", "group_size"]
    list_select_related = ["document"]
    exclude = ["signature"]


@admin.register(models.ClaimGroupJob)
class ClaimGroupJobAdmin(ReadOnlyAdmin):
    list_display = ["id", "project", "state", "done", "total", "created_at", "finished_at"]
    list_filter = ["state"]
