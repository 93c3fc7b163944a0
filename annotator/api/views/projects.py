"""REST views: projects, their labels and their members."""
from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api.serializers import projects as s
from annotator.api.idempotency import idempotent
from annotator.api.views.common import PROJECT_ID, membership, parse
from annotator.models import Project
from annotator.selectors import project_admin
from annotator.services import label_sets
from annotator.services import projects as project_services


def _project_out(project: Project, role: str) -> dict:
    project.my_role = role
    return s.ProjectOut(project).data


class ProjectListView(APIView):
    @extend_schema(responses=s.ProjectOut(many=True), summary="My projects")
    def get(self, request):
        return Response([_project_out(project, role) for project, role
                         in selectors.project_list_with_roles(user=request.user)])

    @extend_schema(request=s.ProjectCreateIn, responses={201: s.ProjectOut},
                   summary="Create a project (site staff, or anyone when PROJECT_CREATORS is "
                           "'anyone'); you become its admin")
    @idempotent
    def post(self, request):
        access.require_project_creator(request.user)
        data = parse(s.ProjectCreateIn, request.data)
        project = project_services.project_create(creator=request.user, **data)
        return Response(_project_out(project, "admin"), status=status.HTTP_201_CREATED)


class ProjectDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.ProjectOut, summary="One project")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        return Response(_project_out(project, membership(request, project).role))

    @extend_schema(parameters=[PROJECT_ID], request=s.ProjectUpdateIn, responses=s.ProjectOut,
                   summary="Change name, guidelines, attribute definitions or settings (admins)")
    @idempotent
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
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        label = project_services.label_create(project=project, actor=request.user,
                                              data=parse(s.LabelCreateIn, request.data))
        return Response(s.LabelOut(label).data, status=status.HTTP_201_CREATED)


class LabelDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.LabelIn, responses=s.LabelOut,
                   summary="Change a label (admins)")
    @idempotent
    def patch(self, request, project_id, label_id):
        label = access.access_label(request.user, project_id, label_id)
        label = project_services.label_update(label=label, actor=request.user,
                                              data=parse(s.LabelIn, request.data))
        return Response(s.LabelOut(label).data)

    @extend_schema(parameters=[PROJECT_ID], responses={204: None},
                   summary="Delete an unused label (admins)")
    @idempotent
    def delete(self, request, project_id, label_id):
        label = access.access_label(request.user, project_id, label_id)
        project_services.label_delete(label=label, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class LabelMergeView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.LabelMergeIn,
                   responses=s.LabelMergeOut,
                   summary="Merge a label into another (admins): its spans move, it goes")
    @idempotent
    def post(self, request, project_id, label_id):
        label = access.access_label(request.user, project_id, label_id)
        data = parse(s.LabelMergeIn, request.data)
        result = label_sets.label_merge(label=label, into_id=data["into"], actor=request.user)
        return Response({**result, "into": s.LabelOut(result["into"]).data})


class UsageView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.UsageOut,
                   summary="How many spans and attributions use each label, attribute, choice")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        return Response({
            "labels": project_admin.label_usage_for_project(project=project),
            "attributes": project_admin.attribute_usage_for_project(project=project)})


def _members_out(request, project, rows, many=False):
    admin = access.allows(membership(request, project), Need.MANAGE)
    return s.MemberOut(rows, many=many, context={"admin": admin}).data


class MemberListView(APIView):
    @extend_schema(parameters=[PROJECT_ID], responses=s.MemberOut(many=True),
                   summary="Members and roles (e-mail addresses for admins only)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id)
        return Response(_members_out(request, project, project_admin.member_list_for_project(
            project=project), many=True))

    @extend_schema(parameters=[PROJECT_ID], request=s.MemberCreateIn,
                   responses={201: s.MemberOut}, summary="Add a member or change a role (admins)")
    @idempotent
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.MemberCreateIn, request.data)
        result = project_services.membership_add(project=project, actor=request.user,
                                                 username=data["username"], role=data["role"])
        return Response(_members_out(request, project, result), status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.MemberUpdateIn, responses=s.MemberOut,
                   summary="Change a member's role (admins)")
    @idempotent
    def patch(self, request, project_id, membership_id):
        data = parse(s.MemberUpdateIn, request.data)
        member = access.access_membership(request.user, project_id, membership_id)
        result = project_services.membership_change(membership=member, actor=request.user,
                                                    role=data["role"])
        return Response(_members_out(request, result.project, result))

    @extend_schema(parameters=[PROJECT_ID], responses={204: None},
                   summary="Remove a member (admins)")
    @idempotent
    def delete(self, request, project_id, membership_id):
        member = access.access_membership(request.user, project_id, membership_id)
        project_services.membership_remove(membership=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


QUERY = OpenApiParameter("q", OpenApiTypes.STR, OpenApiParameter.QUERY,
                         description="Part of a user name, or a whole e-mail address.")


class UserSearchView(APIView):
    @extend_schema(parameters=[PROJECT_ID, QUERY], responses=s.UserFoundOut(many=True),
                   summary="Find accounts to add as members (admins)")
    def get(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        query = request.query_params.get("q", "")[:254]
        return Response(project_admin.user_list_for_member_search(project=project, query=query))


class InvitationView(APIView):
    # Not @idempotent: a replayed answer would keep the set-password link (a credential) in
    # the replay store. Sent twice, the second finds the account the first made: no second one.
    @extend_schema(parameters=[PROJECT_ID], request=s.InvitationIn,
                   responses={201: s.InvitationOut},
                   summary="Invite an e-mail address (admins): an account is made if none "
                           "has it, and a set-password link is e-mailed")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.InvitationIn, request.data)
        member, invitation = project_services.member_invite(
            project=project, actor=request.user, email=data["email"], role=data["role"],
            base_url=request.build_absolute_uri("/").rstrip("/"))
        return Response({"member": _members_out(request, project, member),
                         "account_created": invitation.created, "email_sent": invitation.sent,
                         "set_password_url": invitation.url}, status=status.HTTP_201_CREATED)


class AccountCreateView(APIView):
    # Not @idempotent: a replayed answer would have to store the password in clear.
    @extend_schema(parameters=[PROJECT_ID], request=s.AccountCreateIn,
                   responses={201: s.AccountCreatedOut},
                   summary="Make an account with a one-time password, shown once (admins)")
    def post(self, request, project_id):
        project = access.access_project(request.user, project_id, Need.MANAGE)
        data = parse(s.AccountCreateIn, request.data)
        member = project_services.member_create_with_password(
            project=project, actor=request.user, username=data["username"],
            email=data.get("email", ""), role=data["role"])
        response = Response({"member": _members_out(request, project, member),
                             "password": member.user.one_time_password},
                            status=status.HTTP_201_CREATED)
        response["Cache-Control"] = "no-store"
        return response
