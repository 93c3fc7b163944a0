"""The quick start's second project: the newsroom demo (annotator/demo_articles.py).

`newsroom_load` stores the generated articles in the project "Newsroom (demo)" and does,
through the services a person's requests go through, what the demo users would have
done: the demo annotator labels each article (spans and attributions in one bulk write,
then each SOURCE span linked to its source entity) and submits it; the demo reviewer
approves the labels and the document. So the approved layer, the review decisions and
the events say who did what (the reviewer's decisions carry a note that the loader made
them in the reviewer's name). The last articles are left for the quick start's users: a
few submitted and waiting for review, a few not started (one in LEFT_EVERY of each).

Idempotent: an article already stored is left as it is (its work was done with it, in
the same transaction), so running it again writes nothing.
"""
from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import transaction

from annotator.demo_articles import ENTITIES, SEED, Article, articles
from annotator.models import Project, Role, SourceEntity, Span
from annotator.services.bulk import layer_bulk_write
from annotator.services.documents import document_create, document_status_change
from annotator.services.entities import entity_create, span_entity_set
from annotator.services.projects import membership_set, project_create
from annotator.services.reviews import review_bulk_decide

NEWSROOM_PROJECT_NAME = "Newsroom (demo)"
NEWSROOM_GUIDELINES = """\
# The newsroom demo

Invented articles from four invented outlets about the invented harbour town of Port
Aldine, made by `annotator/demo_articles.py` (nothing here comes from a real article).
Most were labelled by the demo user *annotator* and approved by the demo user *reviewer*:
open the **explorer** to see who is quoted. A few wait for review, and a few for an
annotator.

Mark what is claimed (CLAIM), who says it (SOURCE) and the cue (CUE), link them, and
link each SOURCE to its source entity: "she" and "Vollmer" are Hanna Vollmer.
"""
# Which articles are left for the quick start's users (spread over the year, so that the
# explorer's months all have approved claims): by their number, modulo LEFT_EVERY.
LEFT_EVERY = 12
NOT_STARTED = 5          # number % 12 == 5: nobody has labelled them
WAITING_FOR_REVIEW = 9   # number % 12 == 9: submitted, not reviewed
REVIEW_NOTE = "Demo data: approved by manage.py load_demo in the demo reviewer's name."


class NewsroomRefused(Exception):
    pass


def _demo_people() -> dict[str, object]:
    """The demo users (services/demo.py): the work is theirs, so they must exist."""
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["admin", "annotator", "reviewer"])}
    missing = sorted({"admin", "annotator", "reviewer"} - set(users))
    if missing:
        raise NewsroomRefused(f"the demo users {', '.join(missing)} do not exist: run "
                              "`manage.py create_demo_users` first.")
    return users


def _entities(project: Project, actor) -> dict[str, SourceEntity]:
    stored = {e.name: e for e in SourceEntity.objects.filter(project=project)}
    made = {}
    for entity in ENTITIES:
        made[entity.key] = stored.get(entity.name) or entity_create(
            project=project, actor=actor, name=entity.name, type=entity.type,
            aliases=list(entity.aliases))
    return made


def _label(*, article: Article, document, annotator, entities: dict) -> None:
    body = {"create": {
        "spans": [{"ref": key, "label": label, "start": start, "end": end}
                  for key, label, start, end in article.spans],
        "attributions": [{"claims": claims, "source": source, "cue": cue,
                          "attributes": attributes}
                         for claims, source, cue, attributes in article.attributions]}}
    refs = layer_bulk_write(document=document, annotator=annotator, body=body).refs
    spans = Span.objects.select_related("label", "document__project").in_bulk(
        [refs[key] for key in article.mentions])
    for key, entity_key in article.mentions.items():
        span = spans[refs[key]]
        span_entity_set(span=span, actor=annotator, entity=entities[entity_key],
                        expected_version=span.version)


def _approve(*, document, annotator, reviewer) -> None:
    review_bulk_decide(reviewer=reviewer, document=document, decision="approve",
                       attributions=list(document.attributions.filter(annotator=annotator)),
                       spans=list(document.spans.filter(annotator=annotator)),
                       note=REVIEW_NOTE)
    document_status_change(document=document, actor=reviewer, annotator=annotator,
                           action="approve", note=REVIEW_NOTE)


@transaction.atomic
def newsroom_load() -> tuple[Project, int]:
    """Make the newsroom project and its work once; (project, documents created)."""
    people = _demo_people()
    project = Project.objects.filter(name=NEWSROOM_PROJECT_NAME).first()
    if project is None:
        project = project_create(
            name=NEWSROOM_PROJECT_NAME, guidelines=NEWSROOM_GUIDELINES,
            description="Invented news articles, labelled and reviewed: the explorer's demo.",
            creator=people["admin"])
    for username, role in (("annotator", Role.ANNOTATOR), ("reviewer", Role.REVIEWER)):
        # Only a missing membership: a role given since, on the members page, stays.
        if not project.memberships.filter(user=people[username]).exists():
            membership_set(project=project, user=people[username], role=role)
    entities = _entities(project, people["annotator"])  # made in the workspace, as they are
    generated = articles()
    created = 0
    for number, article in enumerate(generated):
        document, was_created = document_create(
            project=project, title=article.title, text=article.text,
            metadata={"outlet": article.outlet, "date": article.date.isoformat(),
                      "author": article.author, "language": "en",
                      "generated_by": f"annotator/demo_articles.py (seed {SEED})"})
        if not was_created:
            continue
        created += 1
        if number % LEFT_EVERY == NOT_STARTED:
            continue
        annotator, reviewer = people["annotator"], people["reviewer"]
        _label(article=article, document=document, annotator=annotator, entities=entities)
        document_status_change(document=document, actor=annotator, annotator=annotator,
                               action="submit")
        if number % LEFT_EVERY != WAITING_FOR_REVIEW:
            _approve(document=document, annotator=annotator, reviewer=reviewer)
    return project, created
