"""REST views: parse → access → one service call → serialize (STYLE.md).

Permissions are decided in annotator/access.py; errors become responses in
api/errors.py. Offsets everywhere are Unicode code points, half-open.
"""
from __future__ import annotations

import django_filters
from django.contrib.auth import authenticate, get_user_model, login, logout
from django.db.models import Exists, OuterRef, Q
from django.middleware.csrf import get_token
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotAuthenticated
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Forbidden, Need
from annotator.api import serializers as s
from annotator.api.errors import PreconditionRequired
from annotator.models import (Attribution, DocStatus, Document, DocumentStatus, Label,
                              Membership, Project, Span)
from annotator.services import attributions as attribution_services
from annotator.services import documents as document_services
from annotator.services import projects as project_services
from annotator.services import reviews as review_services
from annotator.services import spans as span_services
from annotator.services import suggestions as suggestion_services

PROJECT_ID = OpenApiParameter("project_id", OpenApiTypes.INT, OpenApiParameter.PATH)
DOCUMENT_ID = OpenApiParameter("document_id", OpenApiTypes.INT, OpenApiParameter.PATH)
IF_MATCH = OpenApiParameter("If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER,
                            description="The version you edited (or send `version`).")
VERSION_QUERY = OpenApiParameter("version", OpenApiTypes.INT, OpenApiParameter.QUERY,
                                 description="The version you delete (or an If-Match header).")


def parse(serializer_class, data):
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def expected_version(request, data=None) -> int:
    """The version the client's change is based on: If-Match, a `version` field or query."""
    raw = request.headers.get("If-Match")
    if raw is not None:
        raw = raw.strip().removeprefix("W/").strip('"')
    elif data is not None and data.get("version") is not None:
        return data["version"]
    else:
        raw = request.query_params.get("version")
    if raw is None:
        raise PreconditionRequired("send the version you edited: an If-Match header or a "
                                   "`version` field.")
    try:
        value = int(raw)
    except ValueError:
        raise ApiValidationError({"version": ["must be an integer."]}) from None
    if not 1 <= value < 2**31:
        raise ApiValidationError({"version": ["must be a positive integer."]})
    return value


def membership(request, project) -> Membership:
    return access.membership_for(request.user, project)


# --- Auth -------------------------------------------------------------------------------

class CsrfView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=inline_serializer("Csrf", {"csrf_token": serializers.CharField()}),
                   summary="Get a CSRF token (and cookie) before logging in from a browser")
    @method_decorator(ensure_csrf_cookie)
    def get(self, request):
        return Response({"csrf_token": get_token(request)})


class LoginView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.LoginIn, responses=s.UserOut,
                   summary="Session login (needs the CSRF token, like every browser write)")
    def post(self, request):
        SessionAuthentication().enforce_csrf(request)
        data = parse(s.LoginIn, request.data)
        user = authenticate(request, username=data["username"], password=data["password"])
        if user is None:
            raise ApiValidationError({"non_field_errors": ["Wrong user name or password."]})
        login(request, user)
        return Response(s.UserOut(user).data)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None}, summary="End the session")
    def post(self, request):
        logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=s.UserOut, summary="Who am I")
    def get(self, request):
        return Response(s.UserOut(request.user).data)


class TokenView(APIView):
    def get_permissions(self):
        # A script gets its first token with its user name and password.
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return super().get_permissions()

    @extend_schema(request=s.LoginIn, responses={201: s.TokenOut},
                   summary="Create my API token (replaces the old one): signed in, or send "
                           "username and password")
    def post(self, request):
        body = request.data  # parsed (and so checked, api/parsers.py) even when signed in
        user = request.user
        if not user.is_authenticated:
            if not isinstance(body, dict) or "username" not in body:
                raise NotAuthenticated()
            data = parse(s.LoginIn, request.data)
            user = authenticate(request, username=data["username"], password=data["password"])
            if user is None:
                raise ApiValidationError({"non_field_errors": ["Wrong user name or password."]})
        Token.objects.filter(user=user).delete()
        token = Token.objects.create(user=user)
        return Response(s.TokenOut({"token": token.key, "created": token.created}).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(responses={204: None}, summary="Revoke my API token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Projects -----------------------------------------------------------------------------

def _project_out(project: Project, role: str) -> dict:
    project.my_role = role
    return s.ProjectOut(project).data


class ProjectListView(APIView):
    @extend_schema(responses=s.ProjectOut(many=True), summary="My projects")
    def get(self, request):
        projects = access.projects_for(request.user).prefetch_related("labels").order_by("name")
        roles = dict(Membership.objects.filter(user=request.user).values_list("project_id",
                                                                                "role"))
        return Response([_project_out(p, roles[p.pk]) for p in projects])

    @extend_schema(request=s.ProjectCreateIn, responses={201: s.ProjectOut},
                   summary="Create a project (site staff); you become its admin")
    def post(self, request):
        if not request.user.is_staff:
            raise Forbidden("Only site staff create projects.")
        data = parse(s.ProjectCreateIn, request.data)
        if Project.objects.filter(name=data["name"]).exists():
            raise ApiValidationError({"name": ["another project has this name."]})
        project = project_services.project_create(creator=request.user, **data)
        return Response(_project_out(project, "admin"), status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.ProjectOut, summary="One project")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        return Response(_project_out(project, membership(request, project).role))

    @extend_schema(parameters=[PROJECT_ID], request=s.ProjectUpdateIn, responses=s.ProjectOut,
                   summary="Change name, guidelines, attribute definitions or settings (admins)")
    def patch(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.ProjectUpdateIn, request.data)
        project = project_services.project_update(project=project, actor=request.user, **data)
        return Response(_project_out(project, "admin"))


class LabelListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.LabelOut(many=True),
                   summary="The project's label set")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        return Response(s.LabelOut(project.labels.all(), many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=s.LabelCreateIn,
                   responses={201: s.LabelOut}, summary="Add a label (admins)")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        label = project_services.label_create(project=project, actor=request.user,
                                              data=parse(s.LabelCreateIn, request.data))
        return Response(s.LabelOut(label).data, status=status.HTTP_201_CREATED)


def _label(request, project_id, label_id) -> Label:
    project = access.access_project(request.user, project_id, Need.MANAGE)
    label = Label.objects.filter(project=project, pk=access.object_id(label_id)).first()
    if label is None:
        raise access.Http404("No such label.")
    return label


class LabelDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.LabelIn, responses=s.LabelOut,
                   summary="Change a label (admins)")
    def patch(self, request, project_id, label_id):
        label = project_services.label_update(label=_label(request, project_id, label_id),
                                              actor=request.user,
                                              data=parse(s.LabelIn, request.data))
        return Response(s.LabelOut(label).data)

    @extend_schema(parameters=[PROJECT_ID], responses={204: None},
                   summary="Delete an unused label (admins)")
    def delete(self, request, project_id, label_id):
        project_services.label_delete(label=_label(request, project_id, label_id),
                                      actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MemberListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.MemberOut(many=True),
                   summary="Members and roles")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        return Response(s.MemberOut(project.memberships.select_related("user"), many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=s.MemberCreateIn,
                   responses={201: s.MemberOut}, summary="Add a member or change a role (admins)")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.MemberCreateIn, request.data)
        user = get_user_model().objects.filter(username=data["username"]).first()
        if user is None:
            raise ApiValidationError({"username": ["no user has this name."]})
        existing = Membership.objects.filter(project=project, user=user).first()
        if existing is not None:
            result = project_services.membership_change(membership=existing, actor=request.user,
                                                        role=data["role"])
        else:
            result = project_services.membership_set(project=project, user=user,
                                                     role=data["role"])
        return Response(s.MemberOut(result).data, status=status.HTTP_201_CREATED)


def _membership(request, project_id, membership_id) -> Membership:
    project = access.access_project(request.user, project_id, Need.MANAGE)
    found = Membership.objects.select_related("user").filter(
        project=project, pk=access.object_id(membership_id)).first()
    if found is None:
        raise access.Http404("No such member.")
    return found


class MemberDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.MemberUpdateIn, responses=s.MemberOut,
                   summary="Change a member's role (admins)")
    def patch(self, request, project_id, membership_id):
        data = parse(s.MemberUpdateIn, request.data)
        result = project_services.membership_change(
            membership=_membership(request, project_id, membership_id), actor=request.user,
            role=data["role"])
        return Response(s.MemberOut(result).data)

    @extend_schema(parameters=[PROJECT_ID], responses={204: None},
                   summary="Remove a member (admins)")
    def delete(self, request, project_id, membership_id):
        project_services.membership_remove(
            membership=_membership(request, project_id, membership_id), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Documents --------------------------------------------------------------------------

class DocumentFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(field_name="my_status", choices=DocStatus.choices,
                                         label="My status")
    annotator = django_filters.NumberFilter(method="by_annotator", min_value=1,
                                            max_value=2**63 - 1,
                                            label="Documents this annotator has worked on")
    has_suggestions = django_filters.BooleanFilter(field_name="has_suggestions")
    q = django_filters.CharFilter(method="search", max_length=200,
                                  label="Search in title and text")

    def by_annotator(self, queryset, name, value):
        worked = (Q(Exists(DocumentStatus.objects.filter(document=OuterRef("pk"),
                                                         annotator_id=value)))
                  | Q(Exists(Span.objects.filter(document=OuterRef("pk"), annotator_id=value))))
        return queryset.filter(worked)

    def search(self, queryset, name, value):
        return queryset.filter(Q(title__icontains=value) | Q(text__icontains=value))


class DocumentPagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 500


class DocumentListView(GenericAPIView):
    serializer_class = s.DocumentListOut
    filterset_class = DocumentFilter
    pagination_class = DocumentPagination
    filter_backends = [django_filters.rest_framework.DjangoFilterBackend]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no request, no project
            return Document.objects.none()
        project = access.access_project(self.request.user, self.kwargs["project_id"])
        return selectors.document_list(project=project, user=self.request.user)

    # many=True: the schema then shows the paginated page, with the filter and page parameters
    @extend_schema(parameters=[PROJECT_ID], responses=s.DocumentListOut(many=True),
                   summary="The project's documents, with my status")
    def get(self, request, project_id):
        queryset = self.get_queryset()  # 404 first for non-members
        annotator = request.query_params.get("annotator")
        if annotator not in (None, "", str(request.user.pk)):
            project = access.access_project(request.user, project_id)
            if not access.sees_all_layers(membership(request, project)):
                raise Forbidden("Only reviewers and admins filter by another annotator.")
        page = self.paginate_queryset(self.filter_queryset(queryset))
        return self.get_paginated_response(s.DocumentListOut(page, many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=s.DocumentCreateIn,
                   responses={201: s.DocumentCreatedOut, 200: s.DocumentCreatedOut},
                   summary="Add a document (admins); the same text again is not duplicated")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.DocumentCreateIn, request.data)
        document, created = document_services.document_create(project=project, **data)
        return Response({"id": document.pk, "created": created},
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


LAYER = OpenApiParameter("layer", OpenApiTypes.STR, OpenApiParameter.QUERY,
                         description="'mine' (default), 'all', or an annotator's user id "
                                     "(reviewers and admins).")


class DocumentDetailView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID, LAYER], responses=s.DocumentDetailOut,
                   summary="A document with its text, labels and suggestions, in one response")
    def get(self, request, document_id):
        document = access.access_document(request.user, document_id)
        layer = request.query_params.get("layer", "mine")
        if layer not in ("mine", "all"):
            try:
                layer = str(access.object_id(layer))
            except access.Http404:
                raise ApiValidationError(
                    {"layer": ["must be 'mine', 'all' or a user id."]}) from None
            if int(layer) == request.user.pk:
                layer = "mine"
        if layer != "mine" and not access.sees_all_layers(membership(request, document.project)):
            raise Forbidden("Only reviewers and admins see other annotators' layers.")
        detail = selectors.document_detail(document=document, user=request.user, layer=layer)
        return Response(s.document_detail_dict(detail))


class DocumentStatusView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.StatusChangeIn, responses=s.StatusOut,
                   summary="start / submit my work; return / approve an annotator's (reviewers)")
    def post(self, request, document_id):
        data = parse(s.StatusChangeIn, request.data)
        reviewing = data["action"] in ("return", "approve")
        document = access.access_document(request.user, document_id,
                                          Need.REVIEW if reviewing else Need.ANNOTATE)
        if reviewing:
            if "annotator" not in data:
                raise ApiValidationError({"annotator": ["whose work? give the user id."]})
            annotator = get_user_model().objects.filter(
                pk=data["annotator"], memberships__project=document.project).first()
            if annotator is None:
                raise ApiValidationError({"annotator": ["not a member of this project."]})
        else:
            if data.get("annotator", request.user.pk) != request.user.pk:
                raise Forbidden("You start and submit your own work only.")
            annotator = request.user
        row = document_services.document_status_change(
            document=document, actor=request.user, annotator=annotator, action=data["action"],
            note=data["note"])
        return Response(s.StatusOut(row).data)


# --- Spans ----------------------------------------------------------------------------------

class SpanCreateView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SpanCreateIn, responses={201: s.SpanOut},
                   summary="Create one of my spans")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE)
        data = parse(s.SpanCreateIn, request.data)
        label = access.access_label(document.project, data.pop("label"))
        span = span_services.span_create(document=document, annotator=request.user,
                                         label=label, **data)
        return Response(s.span_dict(span), status=status.HTTP_201_CREATED)


class SpanBulkView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SpanBulkIn,
                   responses={201: s.SpanOut(many=True)},
                   summary="Create many of my spans: all or nothing")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE)
        data = parse(s.SpanBulkIn, request.data)
        spans = span_services.spans_bulk_create(document=document, annotator=request.user,
                                                items=data["spans"])
        return Response([s.span_dict(span) for span in spans], status=status.HTTP_201_CREATED)


class SpanDetailView(APIView):
    @extend_schema(responses=s.SpanOut, summary="One span")
    def get(self, request, span_id):
        return Response(s.span_dict(access.access_span(request.user, span_id)))

    @extend_schema(parameters=[IF_MATCH], request=s.SpanUpdateIn, responses=s.SpanOut,
                   summary="Change my span (label or offsets); stale version → 409")
    def patch(self, request, span_id):
        span = access.access_span(request.user, span_id, Need.ANNOTATE)
        data = parse(s.SpanUpdateIn, request.data)
        version = expected_version(request, data)
        data.pop("version", None)
        if "label" in data:
            data["label"] = access.access_label(span.document.project, data["label"])
        span = span_services.span_update(span=span, actor=request.user,
                                         expected_version=version, **data)
        return Response(s.span_dict(span))

    @extend_schema(parameters=[IF_MATCH, VERSION_QUERY], responses={204: None},
                   summary="Delete my span; stale version → 409")
    def delete(self, request, span_id):
        span = access.access_span(request.user, span_id, Need.ANNOTATE)
        span_services.span_delete(span=span, actor=request.user,
                                  expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Attributions --------------------------------------------------------------------------

def _attribution_out(attribution: Attribution) -> dict:
    fresh = selectors.attributions_for(attribution.document_id, annotator_ids=None).filter(
        pk=attribution.pk).first() or attribution
    return s.AttributionOut(fresh).data


class AttributionCreateView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.AttributionCreateIn,
                   responses={201: s.AttributionOut},
                   summary="Link my claim (one or more fragments), source and cue")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE)
        data = parse(s.AttributionCreateIn, request.data)
        attribution = attribution_services.attribution_create(document=document,
                                                              annotator=request.user, **data)
        return Response(_attribution_out(attribution), status=status.HTTP_201_CREATED)


class AttributionDetailView(APIView):
    @extend_schema(responses=s.AttributionOut, summary="One attribution")
    def get(self, request, attribution_id):
        return Response(_attribution_out(access.access_attribution(request.user,
                                                                   attribution_id)))

    @extend_schema(parameters=[IF_MATCH], request=s.AttributionUpdateIn,
                   responses=s.AttributionOut, summary="Change my attribution; stale → 409")
    def patch(self, request, attribution_id):
        attribution = access.access_attribution(request.user, attribution_id, Need.ANNOTATE)
        data = parse(s.AttributionUpdateIn, request.data)
        version = expected_version(request, data)
        data.pop("version", None)
        attribution = attribution_services.attribution_update(
            attribution=attribution, actor=request.user, expected_version=version, **data)
        return Response(_attribution_out(attribution))

    @extend_schema(parameters=[IF_MATCH, VERSION_QUERY], responses={204: None},
                   summary="Delete my attribution (its spans stay); stale → 409")
    def delete(self, request, attribution_id):
        attribution = access.access_attribution(request.user, attribution_id, Need.ANNOTATE)
        attribution_services.attribution_delete(attribution=attribution, actor=request.user,
                                                expected_version=expected_version(request))
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- Suggestions ----------------------------------------------------------------------------

class SuggestionStoreView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SuggestionsStoreIn,
                   responses={201: s.SuggestionsStoredOut},
                   summary="Store a tagger's suggestions (admins); idempotent")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.MANAGE)
        data = parse(s.SuggestionsStoreIn, request.data)
        spans, attributions = suggestion_services.suggestions_store(
            document=document, tagger_name=data["tagger_name"],
            tagger_version=data["tagger_version"],
            spans=[suggestion_services.SuggestedSpan(**item) for item in data["spans"]],
            attributions=[suggestion_services.SuggestedAttribution(**item)
                          for item in data["attributions"]])
        return Response({"spans_created": spans, "attributions_created": attributions},
                        status=status.HTTP_201_CREATED)


class SuggestionDecideView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], request=s.SuggestionDecideIn,
                   responses=s.SuggestionDecidedOut,
                   summary="Accept or reject suggestions, one or many; accepted ones become mine")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.ANNOTATE)
        data = parse(s.SuggestionDecideIn, request.data)
        if not data["spans"] and not data["attributions"]:
            raise ApiValidationError({"spans": ["give at least one span or attribution id."]})
        result = suggestion_services.suggestions_decide(
            document=document, annotator=request.user, decision=data["decision"],
            span_ids=data["spans"], attribution_ids=data["attributions"])
        attributions = list(selectors.attributions_for(document).filter(
            pk__in=[a.pk for a in result["attributions"]]))
        return Response(s.SuggestionDecidedOut({"spans": result["spans"],
                                                "attributions": attributions}).data)


# --- Reviews and history ----------------------------------------------------------------------

class ReviewListView(APIView):
    @extend_schema(parameters=[DOCUMENT_ID], responses=s.ReviewOut(many=True),
                   summary="Review decisions on this document (annotators: on their own labels)")
    def get(self, request, document_id):
        document = access.access_document(request.user, document_id)
        everyone = access.sees_all_layers(membership(request, document.project))
        reviews = selectors.reviews_for_document(
            document=document, annotator_id=None if everyone else request.user.pk)
        return Response(s.ReviewOut(reviews, many=True).data)

    @extend_schema(parameters=[DOCUMENT_ID], request=s.ReviewIn, responses={201: s.ReviewOut},
                   summary="Approve or reject one span or attribution (reviewers)")
    def post(self, request, document_id):
        document = access.access_document(request.user, document_id, Need.REVIEW)
        data = parse(s.ReviewIn, request.data)
        kind, model = ("span", Span) if "span" in data else ("attribution", Attribution)
        target = model.objects.select_related("document__project").filter(
            pk=data[kind], document=document).first()
        if target is None:
            raise ApiValidationError({kind: [f"{data[kind]} is not a {kind} of this document."]})
        review = review_services.review_decide(reviewer=request.user, target=target,
                                               decision=data["decision"], note=data["note"])
        return Response(s.ReviewOut(review).data, status=status.HTTP_201_CREATED)


class SpanHistoryView(APIView):
    @extend_schema(responses=s.HistoryOut, summary="Who did what to this span, and when")
    def get(self, request, span_id):
        span = access.access_span(request.user, span_id)
        events, reviews = selectors.history_for(target_type="span", target_id=span.pk)
        return Response(s.HistoryOut({"events": events, "reviews": reviews}).data)


class AttributionHistoryView(APIView):
    @extend_schema(responses=s.HistoryOut, summary="Who did what to this attribution, and when")
    def get(self, request, attribution_id):
        attribution = access.access_attribution(request.user, attribution_id)
        events, reviews = selectors.history_for(target_type="attribution",
                                                target_id=attribution.pk)
        return Response(s.HistoryOut({"events": events, "reviews": reviews}).data)



# --- Pre-tagging jobs -----------------------------------------------------------------------

JOB_ID = OpenApiParameter("job_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class TaggerListView(APIView):
    @extend_schema(responses=s.TaggerOut(many=True), summary="The pre-taggers this server has")
    def get(self, request):
        from annotator import pretag

        taggers = [pretag.get_tagger(name) for name in pretag.available_taggers()]
        return Response([{"name": t.name, "version": t.version,
                          "description": (type(t).__doc__ or "").strip().split("\n")[0]}
                         for t in taggers])


class PretagJobListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.PretagJobOut(many=True),
                   summary="The project's pre-tagging jobs, newest first (the last 50)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        jobs = project.pretag_jobs.select_related("requested_by").order_by("-created_at")[:50]
        return Response(s.PretagJobOut(jobs, many=True).data)

    @extend_schema(parameters=[PROJECT_ID], request=s.PretagJobStartIn,
                   responses={202: s.PretagJobOut},
                   summary="Start pre-tagging the project or some of its documents (admins)")
    def post(self, request, project_id):
        from annotator.services.pretag_jobs import pretag_job_start

        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.PretagJobStartIn, request.data)
        job = pretag_job_start(project=project, requested_by=request.user,
                               document_ids=data["documents"], tagger_name=data["tagger"])
        return Response(s.PretagJobOut(job).data, status=status.HTTP_202_ACCEPTED)


def _job(request, job_id, need=Need.READ):
    from annotator.models import PretagJob

    job = PretagJob.objects.select_related("requested_by").filter(
        pk=access.object_id(job_id), project__in=access.projects_for(request.user)).first()
    if job is None:
        raise access.Http404("No such job.")
    if need is not Need.READ:
        access.require(access.membership_for(request.user, job.project), need)
    return job


class PretagJobDetailView(APIView):
    @extend_schema(parameters=[JOB_ID], responses=s.PretagJobOut,
                   summary="A pre-tagging job's state and progress")
    def get(self, request, job_id):
        return Response(s.PretagJobOut(_job(request, job_id)).data)


class PretagJobCancelView(APIView):
    @extend_schema(parameters=[JOB_ID], request=None, responses=s.PretagJobOut,
                   summary="Cancel a queued or running job (admins)")
    def post(self, request, job_id):
        from annotator.services.pretag_jobs import pretag_job_cancel

        job = pretag_job_cancel(job=_job(request, job_id, Need.MANAGE), actor=request.user)
        return Response(s.PretagJobOut(job).data)
