"""The objects access/rows.py builds without Model.__init__ (plain_instance, saved_instance)
are the ORM's: the same attributes, state, deferred fields and cached relations; a model
with a pre_init or post_init receiver is built by Model.__init__ as before."""
import pytest
from django.contrib.auth import get_user_model
from django.db.models.signals import post_init

from annotator.access.rows import Columns, current, fetch_one, plain_model, saved_instance, table
from annotator.models import (ApiToken, Attribution, Document, Event, Label, Membership, Project,
                              Span)

pytestmark = pytest.mark.django_db


def attributes(instance) -> dict:
    return {name: value for name, value in instance.__dict__.items() if name != "_state"}


def state(instance) -> tuple:
    return (instance._state.adding, instance._state.db, dict(instance._state.fields_cache))


def stored_row(columns: Columns, pk: int):
    return fetch_one(f"SELECT {columns.sql()} FROM {table(columns.model)} {columns.alias} "
                     f"WHERE {columns.alias}.id = %s", [pk])


def test_the_written_out_models_are_plain_when_built_with_no_receivers():
    for model in (Document, Project, Label, Span, Attribution, ApiToken, get_user_model(),
                  Membership, Event):
        assert plain_model(model), model


@pytest.mark.parametrize("leave_out", [(), ("text",)])
def test_a_built_row_is_what_the_orm_reads_when_its_columns_are_all_or_some(world, leave_out):
    document = world.document
    columns = Columns(Document, "d", leave_out=leave_out)
    built = columns.build(stored_row(columns, document.pk))
    orm = (Document.objects.defer(*leave_out) if leave_out else Document.objects).get(
        pk=document.pk)
    assert attributes(built) == attributes(orm)
    assert state(built) == state(orm) == (False, "default", {})
    assert built.get_deferred_fields() == orm.get_deferred_fields() == set(leave_out)
    assert built.text == document.text  # a deferred column is read on first use
    assert built.project == document.project


def test_a_built_row_with_a_post_init_receiver_goes_through_model_init(world):
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=Project)
    try:
        columns = Columns(Project, "p")
        built = columns.build(stored_row(columns, world.project.pk))
    finally:
        post_init.disconnect(receiver, sender=Project)
    assert seen == [built]
    assert attributes(built) == attributes(Project.objects.get(pk=world.project.pk))


def test_a_saved_instance_is_what_model_init_makes_with_its_relations_cached(world):
    label = Label.objects.get(project=world.project, name="CLAIM")
    given = {"id": 10**6, "document": world.document, "annotator": world.annotator,
             "label": label, "start": 0, "end": 4, "quote": world.document.text[:4]}
    made = saved_instance(Span, **given)
    orm = Span(**given)
    orm._state.adding, orm._state.db = False, current().alias
    assert attributes(made) == attributes(orm)
    assert state(made) == state(orm)
    assert made.label is label and made.document is world.document
    assert (made.status, made.version, made.origin) == (orm.status, 1, orm.origin)


def test_a_saved_instance_takes_column_attributes_and_refuses_unknown_names(world):
    made = saved_instance(Event, id=5, project_id=world.project.pk, document_id=None,
                          actor=world.annotator, action="create", target_type="span",
                          target_id=1, before=None, after={"id": 1}, note="", cause_id=None)
    assert made.actor is world.annotator and made.actor_id == world.annotator.pk
    assert made.created_at is None and not made._state.adding
    with pytest.raises(TypeError, match="no field named colour"):
        saved_instance(Event, id=6, colour="red")
