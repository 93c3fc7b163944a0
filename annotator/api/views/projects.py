"""REST views: projects, their labels and their members."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.access import Need
from annotator.api import serializers as s
from annotator.api.views.common import PROJECT_ID, membership, parse
from annotator.models import Project
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
                   summary="Create a project (site staff); you become its admin")
    def post(self, request):
        access.require_staff(request.user, "Only site staff create projects.")
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


class LabelDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.LabelIn, responses=s.LabelOut,
                   summary="Change a label (admins)")
    def patch(self, request, project_id, label_id):
        label = access.access_label(request.user, project_id, label_id)
        label = project_services.label_update(label=label, actor=request.user,
                                              data=parse(s.LabelIn, request.data))
        return Response(s.LabelOut(label).data)

    @extend_schema(parameters=[PROJECT_ID], responses={204: None},
                   summary="Delete an unused label (admins)")
    def delete(self, request, project_id, label_id):
        label = access.access_label(request.user, project_id, label_id)
        project_services.label_delete(label=label, actor=request.user)
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
        result = project_services.membership_add(project=project, actor=request.user,
                                                 username=data["username"], role=data["role"])
        return Response(s.MemberOut(result).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    @extend_schema(parameters=[PROJECT_ID], request=s.MemberUpdateIn, responses=s.MemberOut,
                   summary="Change a member's role (admins)")
    def patch(self, request, project_id, membership_id):
        data = parse(s.MemberUpdateIn, request.data)
        member = access.access_membership(request.user, project_id, membership_id)
        result = project_services.membership_change(membership=member, actor=request.user,
                                                    role=data["role"])
        return Response(s.MemberOut(result).data)

    @extend_schema(parameters=[PROJECT_ID], responses={204: None},
                   summary="Remove a member (admins)")
    def delete(self, request, project_id, membership_id):
        member = access.access_membership(request.user, project_id, membership_id)
        project_services.membership_remove(membership=member, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
