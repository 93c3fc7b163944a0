"""How the explorer's filters name a project's attributes: "source_type" as "source type"."""
from django import template

register = template.Library()


@register.filter
def spaced(name) -> str:
    return str(name).replace("_", " ")
