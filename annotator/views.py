"""Server-rendered pages. The annotation workspace has its own module."""
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from annotator.models import DocumentStatus
from annotator.selectors import project_list_for_home


@login_required
@require_GET
def home(request):
    projects = list(project_list_for_home(user=request.user))
    for project in projects:
        counts = {value: 0 for value in DocumentStatus.Status.values}
        for document in project.docs:
            counts[document.my_status] += 1
            document.my_status_label = DocumentStatus.Status(document.my_status).label
        project.status_counts = [(DocumentStatus.Status(v).label, n) for v, n in counts.items()]
        project.my_role = project.my_memberships[0].role if project.my_memberships else ""
    return render(request, "annotator/home.html", {"projects": projects})


@require_GET
def health(request):
    """For load balancers: the process is up and the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
