import pytest
from django.core.exceptions import ValidationError

from annotator.models import Event, Span
from annotator.services.spans import span_create

pytestmark = pytest.mark.django_db


def claim(document):
    return document.project.labels.get(name="CLAIM")


@pytest.mark.parametrize("start,end,field", [(-1, 4, "start"), (4, 4, "end"), (9, 3, "end"),
                                             (0, 10_000, "end")])
def test_span_create_refuses_with_field_when_offsets_are_bad(document, annotator_user,
                                                             start, end, field):
    with pytest.raises(ValidationError) as info:
        span_create(document=document, annotator=annotator_user, label=claim(document),
                    start=start, end=end)
    assert field in info.value.message_dict
    assert not Span.objects.exists()


def test_span_create_refuses_when_quote_differs(document, annotator_user):
    with pytest.raises(ValidationError) as info:
        span_create(document=document, annotator=annotator_user, label=claim(document),
                    start=0, end=9, quote="officials")
    assert "quote" in info.value.message_dict
    assert not Span.objects.exists()


def test_span_create_refuses_label_of_another_project(document, annotator_user, make_project):
    other = make_project().labels.get(name="CLAIM")
    with pytest.raises(ValidationError) as info:
        span_create(document=document, annotator=annotator_user, label=other, start=0, end=9)
    assert "label" in info.value.message_dict


def test_span_create_stores_quote_and_event_when_text_has_astral_characters(
        project, make_document, annotator_user):
    document = make_document(project, text="🇺🇦 “Peace is near,” said the envoy 👍🏽.")
    start = document.text.index("Peace")
    span = span_create(document=document, annotator=annotator_user, label=claim(document),
                       start=start, end=start + len("Peace is near"), quote="Peace is near")
    assert span.quote == document.text[span.start:span.end] == "Peace is near"
    assert span.start == 4  # two regional-indicator code points, a space and a quote mark
    event = Event.objects.get(target_type="span", target_id=span.pk)
    assert event.action == "create" and event.actor == annotator_user
    assert event.before is None and event.after["quote"] == "Peace is near"
