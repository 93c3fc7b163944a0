"""Template tags for the review workflow's links: the top bar and the project page."""
from __future__ import annotations

from django import template

from annotator import access, selectors
from annotator.access import Need

register = template.Library()


@register.simple_tag
def reviews_anything(user) -> bool:
    """Whether the user reviews (or administers) some project: the top bar links the queue."""
    return access.projects_for(user, Need.REVIEW).exists()


@register.simple_tag
def review_summary(project, can_review: bool) -> dict | None:
    """For reviewers and admins (access.allows Need.REVIEW, decided by the page's view):
    how many of the project's documents wait for review."""
    if not can_review:
        return None
    return {"waiting": selectors.submitted_count_for_project(project=project)}
