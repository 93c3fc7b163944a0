"""brat standoff: per document a `.txt` (the text, UTF-8) and a `.ann` (the labels).

writing.py writes a document's `.ann` and the collection's annotation.conf;
reading.py reads them back. The `.ann` lines written (fields separated by tabs):

    T1  CLAIM 1 18                   The deal is dead,
    T2  SOURCE 20 32                 the minister
    T3  CUE 33 37                    said
    T4  CLAIM 1 18;40 66             The deal is dead, and nobody will revive it.
    E1  CLAIM:T4 Source:T2 Cue:T3
    E2  CLAIM:T7 Source:T5 Cue:T6
    R1  Parent Arg1:E2 Arg2:E1
    A1  quote_type E1 direct
    N1  Reference T2 person:E1       Antony Blinken
    #1  AnnotatorNotes T2            {"annotators": ["ann"], "review_state": "approved", …}

- Every span is a text-bound annotation (T). A claim in fragments is one
  *discontinuous* T (`start end;start end`, brat's own notation); a fragment
  used nowhere else is not written again on its own.
- Every attribution is an event (E) whose trigger is its claim, with the
  roles `Source` and `Cue` when it has them (brat events need a trigger, and
  the claim is the one part every attribution has).
- Attributes of an attribution are brat attributes (A) of its event. brat
  values cannot hold spaces, so a space is written `_` ("named person" →
  `named_person`); reading maps the value back through the project's choices.
- A SOURCE span's source entity (issue #16) is a brat normalisation (N):
  `N<n>\\tReference T<n> TYPE:E<k>\\tNAME`. The resource is the entity's
  type (person, organisation, anonymous, document, group, other), the
  identifier the document's own entity id (`E1`, `E2` … in the order the text
  mentions them, as in the JSON Lines export; the same k on two N lines is
  one entity), and the text the entity's name. Aliases are not written (brat
  has no place for them); an import matches the name to the project's
  entities or makes one (services/imports/writing.py), as for JSON Lines.
  brat shows the line as it is; its normalisation look-up (tools.conf) is
  not configured, so it offers no search there.
- A second-hand attribution (X said that Y claimed Z) is a relation (R) `Parent`
  between two events: `Arg1` the attribution that lies inside the claim, `Arg2` the
  one whose claim holds it (annotation.conf declares it between CLAIM events, so
  that brat draws it as an arc between the two claims). Reading refuses one whose
  arguments are not events of the file, a second Parent of one event, and (as for
  every import, formats/nesting.py) a child outside its parent's claim or a loop.
- Provenance goes into AnnotatorNotes (#) as one line of JSON.

Offsets: brat counts characters of the `.txt`, and so do we (code points, as
Python 3 does; brat's own server is Python, so on a wide build, and on
Python 3, an emoji counts 1 there too). The text of a T line is the covered
text, fragments joined by a space, with line breaks written as spaces.

A `.txt` that starts with a UTF-8 byte order mark: the mark is dropped (it is
not text), and since brat reads the file with it and counts it as a character,
the `.ann` offsets move back by one (`shift`).

Reading also accepts relations (R) `Source`/`Cue` with `Arg1` the claim and
`Arg2` the source or cue, as other tools write attributions. Anything else
(equivalences, normalisations to other resources) is reported, never
dropped in silence.
"""
from annotator.formats.brat.reading import pair_files, read_ann, read_collection
from annotator.formats.brat.writing import annotation_conf, file_stem, write_ann

__all__ = ["annotation_conf", "file_stem", "pair_files", "read_ann", "read_collection",
           "write_ann"]
