"""One test per construction the built-in tagger handles (issue point 3), with exact spans."""
from __future__ import annotations

import pytest

from .helpers import attributions, triples


# --- Direct quotes ------------------------------------------------------------------------

def test_straight_quote_links_source_and_cue_when_frame_follows():
    assert triples('"The bridge is safe," the engineer said.') == [
        ("the engineer", "said", ("The bridge is safe",))]


def test_curly_quote_links_source_and_cue_when_frame_precedes():
    found = attributions("Well-informed sources said, “Iran’s choices are various”.")
    assert [(a["source"], a["cue"], a["claims"], a["quote_type"]) for a in found] == [
        ("Well-informed sources", "said", ["Iran’s choices are various"], "direct")]


def test_inverted_frame_takes_the_source_after_the_verb_when_quote_comes_first():
    assert triples("“Iran can sink a ship. Iran should be ready”, said the source.") == [
        ("the source", "said", ("Iran can sink a ship. Iran should be ready",))]


def test_split_quote_gives_one_attribution_with_two_fragments_when_he_said_interrupts():
    assert triples('"The deal is dead," he said, "and nobody will revive it."') == [
        ("he", "said", ("The deal is dead", "and nobody will revive it."))]


@pytest.mark.parametrize("open_mark,close_mark", [("\u201c", "\u201d"), ('"', '"')])
def test_quote_continued_across_paragraphs_gives_one_fragment_per_paragraph(open_mark,
                                                                           close_mark):
    text = (f"{open_mark}We are asking people to stay indoors. Schools will close.\n\n"
            f"{open_mark}This is the worst storm in a decade,{close_mark} said forecaster "
            f"Anna Berg.")
    assert triples(text) == [("forecaster Anna Berg", "said", (
        "We are asking people to stay indoors. Schools will close.",
        "This is the worst storm in a decade"))]


def test_quote_without_frame_continues_the_previous_speaker_when_it_follows_a_quote():
    text = '"Why would they?" he asked. "Nothing has changed."'
    assert triples(text) == [("he", "asked", ("Why would they?",)),
                             ("he", None, ("Nothing has changed.",))]


def test_colon_frame_makes_a_direct_quote_when_the_quote_is_the_whole_complement():
    assert triples("A spokeswoman for the union said: “Nobody saw this coming.”") == [
        ("A spokeswoman for the union", "said", ("Nobody saw this coming.",))]


def test_quote_embedded_in_a_clause_is_part_of_an_indirect_claim():
    found = attributions('Council member Tom Reyes said the overrun was "unacceptable".')
    assert [(a["claims"], a["quote_type"]) for a in found] == [
        (['the overrun was "unacceptable"'], "indirect")]


def test_scare_quotes_are_not_claims_when_no_one_says_them():
    assert triples('The so-called "quiet phase" began after the "Islamic State" retreated.') == []


# --- Reporting verbs before and after the content -------------------------------------------

def test_said_that_claims_the_that_clause_to_the_end_of_the_sentence():
    assert triples("The ministry said that the talks would resume on Monday.") == [
        ("The ministry", "said", ("the talks would resume on Monday",))]


def test_said_without_that_claims_the_bare_clause():
    assert triples("Officials said the bridge will reopen on Monday.") == [
        ("Officials", "said", ("the bridge will reopen on Monday",))]


def test_frame_after_the_content_claims_what_comes_before_the_comma():
    assert triples("The deal collapsed last week, officials said.") == [
        ("officials", "said", ("The deal collapsed last week",))]


def test_inverted_frame_after_the_content_takes_the_source_after_said():
    assert triples("Prices will rise again in spring, said the head of the central bank.") == [
        ("the head of the central bank", "said", ("Prices will rise again in spring",))]


def test_told_skips_the_addressee_when_that_follows_later():
    text = ("Khamenei told the National Security Council in its first meeting that the response "
            "must be severe.")
    assert triples(text) == [("Khamenei", "told", ("the response must be severe",))]


def test_told_skips_a_short_addressee_when_there_is_no_that():
    assert triples("The minister told lawmakers the country would avoid a recession.") == [
        ("The minister", "told", ("the country would avoid a recession",))]


def test_warned_with_and_without_an_addressee():
    assert triples("The weather service warned on Tuesday that winds could reach 120 km/h.") == [
        ("The weather service", "warned", ("winds could reach 120 km/h",))]
    assert triples("My accountant warned me that productivity would collapse.") == [
        ("My accountant", "warned", ("productivity would collapse",))]


def test_parenthetical_frame_splits_the_claim_into_two_fragments():
    assert triples("The talks could resume next year, the sources said, if markets improve.") == [
        ("the sources", "said", ("The talks could resume next year", "if markets improve"))]


def test_second_verb_of_the_same_subject_gets_its_own_attribution():
    text = ("The minister told lawmakers the deal was close, but warned that disputes could "
            "derail it.")
    assert triples(text) == [("The minister", "told", ("the deal was close",)),
                             ("The minister", "warned", ("disputes could derail it",))]


def test_adding_that_continues_with_the_same_source():
    text = "Professor Ellis said the models were extreme, adding that the rise would be slower."
    assert triples(text) == [("Professor Ellis", "said", ("the models were extreme",)),
                             ("Professor Ellis", "adding", ("the rise would be slower",))]


def test_participle_takes_the_subject_of_its_clause():
    text = "The governor issued a statement saying emergency funds would be released."
    assert triples(text) == [("The governor", "saying", ("emergency funds would be released",))]


def test_belief_verbs_are_cues_when_they_take_a_clause():
    assert triples("Critics, however, doubt that the budget will hold.") == [
        ("Critics", "doubt", ("the budget will hold",))]
    assert triples("But I think you miss something here.") == [
        ("I", "think", ("you miss something here",))]


def test_described_as_claims_what_follows_as():
    assert triples('Inspector Hughes described the fire as "a senseless attack".') == [
        ("Inspector Hughes", "described", ("a senseless attack",))]


# --- "according to X" ---------------------------------------------------------------------

def test_according_to_before_the_claim():
    assert triples("According to two people familiar with the talks, the merger collapsed.") == [
        ("two people familiar with the talks", "According to", ("the merger collapsed",))]


def test_according_to_after_the_claim():
    assert triples("Shares fell 4% in early trading, according to exchange data.") == [
        ("exchange data", "according to", ("Shares fell 4% in early trading",))]


def test_according_to_in_the_middle_splits_the_claim():
    assert triples("The new line, according to transport officials, will open in 2027.") == [
        ("transport officials", "according to", ("The new line", "will open in 2027"))]


def test_according_to_plan_attributes_nothing():
    assert triples("The launch went according to plan.") == []


# --- Anonymous and collective sources --------------------------------------------------------

@pytest.mark.parametrize("source", ["Well-informed sources", "Officials", "A spokesperson",
                                    "Two people familiar with the matter", "US officials",
                                    "A senior aide"])
def test_anonymous_source_is_typed_anonymous(source):
    found = attributions(f"{source} said the talks had failed.")
    assert [(a["source"], a["source_type"]) for a in found] == [(source, "anonymous")]


def test_the_source_is_a_source_when_it_follows_a_quote():
    found = attributions("“Iran should be ready for it”, said the source.")
    assert [(a["source"], a["source_type"]) for a in found] == [("the source", "anonymous")]


@pytest.mark.parametrize("text,source,kind", [
    ("Prime Minister Adel Abdel Mahdi said the vote would go ahead.",
     "Prime Minister Adel Abdel Mahdi", "named person"),
    ("The finance ministry denied that any warning had been given.", "The finance ministry",
     "organisation"),
    ("The report also notes that funding has fallen since 2015.", "The report", "document"),
    ("Iran responded that all negotiations were over.", "Iran", "organisation"),
])
def test_source_types(text, source, kind):
    assert [(a["source"], a["source_type"]) for a in attributions(text)] == [(source, kind)]


def test_apposition_and_age_are_left_out_of_the_source():
    assert triples("Klaus Meier, 58, a trade union leader, said workers were struggling.") == [
        ("Klaus Meier", "said", ("workers were struggling",))]


def test_relative_clause_between_source_and_verb_is_skipped():
    text = "A senior aide, who spoke on condition of anonymity, said the main issue was funding."
    assert triples(text) == [("A senior aide", "said", ("the main issue was funding",))]


# --- The cue is the reporting verb phrase ----------------------------------------------------

@pytest.mark.parametrize("text,cue", [
    ("Chairman Mao was quoted as saying “a death can be as light as a feather.”",
     "was quoted as saying"),
    ("The minister has repeatedly said that the plan would fail.", "has repeatedly said"),
    ("The company did not deny that the plant would close.", "did not deny"),
    ("As Espen has made clear, they will attack such targets.", "has made clear"),
    ("The defense minister is on record that the US reserves the right to strike.",
     "is on record"),
    ("Trump clearly said the goal was to remove him.", "said"),
])
def test_cue_is_the_verb_group_with_auxiliaries_and_negation(text, cue):
    assert [a["cue"] for a in attributions(text)] == [cue]


def test_impersonal_passive_has_a_cue_and_no_source():
    assert triples("It is understood that the satellite will transmit within days.") == [
        (None, "is understood", ("the satellite will transmit within days",))]


# --- Nested attributions ---------------------------------------------------------------------

def test_nested_attribution_lies_inside_the_outer_claim():
    text = "The newspaper reported that the mayor had claimed the audit was politically motivated."
    assert triples(text) == [
        ("The newspaper", "reported",
         ("the mayor had claimed the audit was politically motivated",)),
        ("the mayor", "had claimed", ("the audit was politically motivated",))]


def test_nested_attribution_inside_a_direct_quote():
    assert triples("“He told me the auditors were biased,” a former aide said.") == [
        ("a former aide", "said", ("He told me the auditors were biased",)),
        ("He", "told", ("the auditors were biased",))]


def test_nested_attribution_inside_a_final_frame_claim():
    text = "Scientists warn that sea levels could rise faster, a new study says."
    assert triples(text) == [
        ("a new study", "says", ("Scientists warn that sea levels could rise faster",)),
        ("Scientists", "warn", ("sea levels could rise faster",))]


# --- What is not an attribution ------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "All told, more than 4,000 homes were damaged.",
    "Insurance claims rose sharply after the floods.",
    "He said nothing about the plan.",
    "Iran is expected to announce another withdrawal from the deal.",
    "He did not say which countries had made the commitments.",
    "The company declined to comment.",
    "That said, the plan is risky.",
    "Needless to say, the plan failed.",
    "Thanks for the well written article.",
    "Trump's fears that his policies might fail are obvious.",
])
def test_no_attribution_when_nothing_is_reported(text):
    assert triples(text) == []


# --- Harder cases from the held-out texts ---------------------------------------------------

def test_final_as_frame_attributes_the_clause_before_it():
    text = "The evidence is more mixed than that, as a recent review by the IFS noted."
    assert triples(text) == [("a recent review by the IFS", "noted",
                              ("The evidence is more mixed than that",))]


def test_frame_may_end_in_an_adverbial_clause():
    assert triples('"I don\'t know," she said when asked whether she would run again.') == [
        ("she", "said", ("I don't know",))]


def test_declining_to_comment_is_not_part_of_the_claim():
    assert triples("She added that the inquiry was ongoing and declined to comment further.") == [
        ("She", "added", ("the inquiry was ongoing",))]


def test_name_after_a_noun_starts_a_reduced_relative_not_a_source():
    assert triples("Iran has been accused of supplying drones, a charge Tehran denies.") == []


def test_quoted_predicate_in_a_reduced_relative_is_a_direct_claim():
    text = ("The killing of a man Supreme Leader Khamenei considered a \u201cliving "
            "martyr\u201d shocked many.")
    assert triples(text) == [("Supreme Leader Khamenei", "considered", ("living martyr",))]


@pytest.mark.parametrize("text", [
    "He told the story of a village that was destroyed.",
    "The government has denied reports that it was planning to raise taxes.",
    "Tilley admitted 14 counts of fraud.",
    "They promised us flexibility and then pulled the rug out.",
    "He claimed responsibility for the attack on the embassy.",
    "The study shows a clear link between sleep and memory.",
])
def test_no_attribution_when_the_complement_is_not_a_clause(text):
    assert triples(text) == []


def test_capitalised_name_is_not_read_as_a_verb():
    assert triples("The Met Office warned more rain was expected on Sunday.") == [
        ("The Met Office", "warned", ("more rain was expected on Sunday",))]


def test_focusing_adverb_after_the_verb_stays_in_the_claim():
    assert triples("Scientists said only a laboratory on Earth could settle the question.") == [
        ("Scientists", "said", ("only a laboratory on Earth could settle the question",))]


def test_capitalised_verb_form_inside_a_name_is_not_a_cue():
    assert triples('"We were fast," she told the Yorkshire Evening Post.') == [
        ("she", "told", ("We were fast",))]


def test_apposition_after_but_leaves_the_name_out_of_the_source():
    text = ("Costs rose, but the council's leader, Cllr Amir Khan, told a meeting that the bill "
            "could be higher.")
    assert triples(text) == [("the council's leader", "told", ("the bill could be higher",))]


def test_as_frame_with_a_colon_introduces_a_direct_quote():
    text = 'But as one shopkeeper put it to me: "Visitors don\'t buy much bread."'
    assert triples(text) == [("one shopkeeper", "put it", ("Visitors don't buy much bread.",))]


# --- Real news copy (#14 point 4) ----------------------------------------------------------

def test_doubled_apostrophes_are_quotation_marks():
    assert triples("''The bridge will open in May,'' the mayor said.") == [
        ("the mayor", "said", ("The bridge will open in May",))]


def test_doubled_apostrophes_split_quote_and_continued_quote():
    text = ("''We have waited long enough,'' said Ms. Rivera, who chairs the committee. "
            "''Now we build.''")
    assert triples(text) == [("Ms. Rivera", "said", ("We have waited long enough",)),
                             ("Ms. Rivera", None, ("Now we build.",))]


@pytest.mark.parametrize("frame,source", [
    ("a smiling Johnson said", "a smiling Johnson"),
    ("a visibly tired Johnson told reporters", "a visibly tired Johnson"),
    ("the ever-cautious Merkel said", "the ever-cautious Merkel"),
])
def test_a_described_name_after_a_quote_is_the_source(frame, source):
    assert triples(f'"We will win," {frame}.')[0][:1] == (source,)


def test_a_long_apposition_after_the_inverted_speaker_stays_out_of_the_source():
    text = ('"The plan is dead," said Tom Baker, a former adviser to the governor who left '
            'the office in 2014 after a row over the budget.')
    assert triples(text) == [("Tom Baker", "said", ("The plan is dead",))]


def test_a_quote_left_open_at_the_end_of_its_paragraph_runs_to_that_end():
    text = '"The vote was rigged," he said.\n\n"And nobody will look into it.'
    assert triples(text) == [("he", "said", ("The vote was rigged",)),
                             ("he", None, ("And nobody will look into it.",))]


def test_a_stray_mark_inside_a_paragraph_still_swallows_nothing():
    assert triples('Officials said the "plan would fail.\n\nMarkets fell.') == [
        ("Officials", "said", ('the "plan would fail',))]
