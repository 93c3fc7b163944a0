"""The rules, part 2: claims after a cue, reporting-verb frames, continued quotes."""
from __future__ import annotations

from ..lexicon import (ADJUNCT_HEADS, ADVERBS, AUXILIARIES, DETERMINERS, IRREGULAR_VERBS,
                       NEGATIONS, NOT_CLAUSE_STARTS, OBJECT_PRONOUNS, PREPOSITIONS, RELATIVES,
                       SUBJECT_PRONOUNS, SUBORDINATORS, TIME_WORDS, VERB_FORMS, Verb)
from ..segment import Quote
from .common import (Cue, END_PUNCT, Found, MAX_GAP, _CLOSED, _FOCUS_ADVERBS, _NOT_PARTICIPLES,
                     _SAYING_MORE, _clean_claim)


class _Complements:
    def participle_follows(self, i: int) -> bool:
        """Is item i an -ing participle opening a clause (", adding that", ", demanding a
        response")?"""
        word = self.low(i)
        if not word or not self.is_word(i) or self.items[i].is_cap:
            return False
        if word in VERB_FORMS:
            return VERB_FORMS[word][1] == "ing"
        return word.endswith("ing") and len(word) > 5 and word not in _NOT_PARTICIPLES

    def claim_rest(self, source: tuple[int, int], cue: Cue, cue_start: int, k: int,
                   rule: str) -> None:
        """The claim is the rest of the clause from item k: "According to X, <claim>."."""
        end = self.complement_end(k)
        if end <= k:
            return
        if end == k + 1 and self.is_quote(k):
            self.add(list(self.items[k].fragments), source, cue, cue_start,
                     "quote_according" if rule == "according" else rule, True, [(k, end)])
            self.used.add(k)
        else:
            self.add([self.chars(k, end)], source, cue, cue_start, rule, False, [(k, end)])

    def complement_end(self, k: int) -> int:
        """Where a complement that starts at item k ends.

        At the end of the sentence, or before what starts something else: "; ",
        ", according to X", a second verb of the same subject ("... and warned
        that"), a participle clause (", adding that ...", ", demanding ..."),
        which in news belongs to the reporting clause, and ", but" (not ", but
        that", which goes on with the claim).
        """
        end = self.n
        for i in range(k + 1, self.n):
            word = self.low(i)
            if word == ";" or self.coordinated_verb(i) or self.new_clause(i):
                end = i
                break
            if word == "," and not self.is_word(i):
                following = self.low(i + 1)
                cue = self.cue_at(i + 1)
                if (following == "but" and self.low(i + 2) != "that") or (
                        cue and cue.kind == "according") or self.participle_follows(i + 1):
                    end = i
                    break
        while end > k and self.is_punct(end - 1, END_PUNCT | {",", ":", "\u2014"}):
            end -= 1
        return end

    def new_clause(self, i: int) -> bool:
        """Does item i start a coordinated clause with a subject pronoun of its own
        (", and I believe them", "but he may have no choice")? It is no longer the
        reported claim. Plain "and" without a comma is left alone ("... and it would
        not return" is often part of the claim)."""
        word = self.low(i)
        if not self.is_word(i) or word not in ("and", "but", "so", "yet"):
            return False
        if word == "and" and self.low(i - 1) != ",":
            return False
        following = i + 1
        return self.pronoun(following, SUBJECT_PRONOUNS) and (
            self.verb_like(following + 1) or self.low(following + 1) in ADVERBS | NEGATIONS)

    def coordinated_verb(self, i: int) -> bool:
        """Does item i ("and", "but") join a second verb to the reporting subject:
        "told reporters A and warned that B", "said A and declined to comment",
        "said A but would not give details"?"""
        if self.low(i) not in ("and", "but") or not self.is_word(i):
            return False
        j = i + 1
        while self.is_word(j) and self.low(j) in AUXILIARIES | NEGATIONS | ADVERBS:
            j += 1
        cue = self.cue_at(j)
        if cue and cue.kind == "verb" and (cue.form in ("past", "s", "record") or j > i + 1):
            return True
        # "... and declined to comment", "but would not elaborate": the speaker refusing
        # to say more, which is no part of what was said.
        refusal = (self.low(i + 1) in ("declined", "refused") and self.low(i + 2) == "to") or (
            self.low(i + 1) in ("did", "would", "could") and self.low(i + 2) in NEGATIONS)
        return refusal and self.low(i + 3) in _SAYING_MORE

    def verb_frames(self) -> None:
        """A reporting verb with its subject before and its complement after it."""
        i = 0
        while i < self.n:
            if i in self.used or self.in_claim(i) or not self.is_word(i):
                i += 1
                continue
            cue = self.cue_at(i)
            if cue is None or cue.kind == "according" or cue.kind == "put_it" or \
                    any(k in self.used for k in range(cue.start, cue.end)):
                i += 1
                continue
            if self.low(i - 1) == "to" and cue.kind == "verb" and cue.form == "base":
                i += 1          # "to announce", "expected to say": a plan, not a report
                continue
            i = cue.end if self.verb_frame(cue) else i + 1

    def verb_frame(self, cue: Cue) -> Found | None:
        group_start, has_be = self.verb_group(cue)
        verb = cue.verb
        passive = has_be and cue.verb is not None and cue.form in ("past", "pp")
        participle = cue.form == "ing" and not has_be
        # The source.
        if participle:
            how = "inherited"
            source = self.last_found_source() or self.clause_subject(0, cue.start)
        else:
            how, source = self.subject_of(0, self.subject_end(group_start))
            if source and self.reduced_relative(source[0]):
                # "a man Khamenei considered a “living martyr”": only a quoted predicate
                # can be the claim; the clause's object is the noun before the name.
                return self.quoted_predicate(cue, source, group_start)
            if how == "coordinated":
                source = self.last_found_source() or self.clause_subject(0, group_start)
                how = "inherited"
            elif not source:
                return None
        # The complement.
        complement = self.complement(cue, passive)
        if complement is None:
            return None
        k, end, how_complement = complement
        if passive:
            if source and self.low(source[0]) == "it" and source[1] - source[0] == 1:
                source = None           # "It is understood that ...": no source given
            elif how_complement != "that":
                return None
            else:
                source = None           # "Officials were told that ...": the teller is unknown
        if source and any(i in self.used for i in range(*source)) and how != "inherited":
            return None
        if how_complement == "quote":
            rule = "verb_quote"
        elif how_complement == "as":
            rule = "described_as"
        elif passive:
            rule = "passive"
        elif how == "inherited":
            rule = "inherited"
        elif verb is not None and verb.belief:
            rule = "belief"
        else:
            rule = "verb_that" if how_complement in ("that", "colon") else "verb_bare"
        if how_complement == "quote":
            self.used.add(k)
            return self.add(list(self.items[k].fragments), source, cue, group_start, rule, True,
                            [(k, end)])
        return self.add([self.chars(k, end)], source, cue, group_start, rule, False, [(k, end)])

    def quoted_predicate(self, cue: Cue, source: tuple[int, int],
                         group_start: int) -> Found | None:
        k = cue.end + (self.low(cue.end) == "as")
        k += self.low(k) in DETERMINERS
        if not self.is_quote(k):
            return None
        self.used.add(k)
        return self.add(list(self.items[k].fragments), source, cue, group_start,
                        "verb_quote", True, [(k, k + 1)])

    def reduced_relative(self, name_start: int) -> bool:
        """Does the name at item `name_start` open a relative clause without "that":
        "a man Supreme Leader Khamenei considered a martyr", "a charge Tehran denies"?
        It follows "a"/"an" and lower-case words, and a verb follows it ("a senior
        Republican aide said" has none, so there it is part of one phrase)."""
        k = name_start - 1
        while k >= 0 and self.is_word(k) and not self.items[k].is_cap \
                and self.low(k) not in _CLOSED | DETERMINERS and k > name_start - 4:
            k -= 1
        if k == name_start - 1 or self.low(k) not in ("a", "an"):
            return False
        end = name_start
        while end < self.n and self.is_word(end) and self.items[end].is_cap:
            end += 1
        return self.verb_like(end) or (self.low(end) in AUXILIARIES | ADVERBS)

    def last_found_source(self) -> tuple[int, int] | None:
        """The source of the latest attribution of this sentence: a verb joined to it by
        "and", or a participle (", adding that ..."), has the same speaker."""
        return next((f.source_items for f in reversed(self.found) if f.source_items), None)

    def complement(self, cue: Cue, passive: bool) -> tuple[int, int, str] | None:
        """The claim after a reporting verb: (first item, end item, how) with how in
        "that", "colon", "quote", "bare"."""
        verb = cue.verb
        k = cue.end
        if verb is not None and verb.as_object:
            return self.as_complement(k)
        # "told reporters", "warned Putin", "assured him": the addressee is no part of the claim.
        after_addressee = k
        if verb is not None and verb.addressee and not passive:
            if self.pronoun(k, OBJECT_PRONOUNS):
                after_addressee = k + 1
            else:
                after_addressee = self.np_end(k, self.n)
                # "promised the council would help": a verb follows, so the phrase is
                # the claim's subject, not an addressee.
                if self.verb_like(after_addressee) or self.low(after_addressee) in NEGATIONS:
                    after_addressee = k
        # A "that" further on: "told the council in its first meeting that ...",
        # "said on Tuesday that ...", "said only that ...".
        for m in range(k, min(self.n, k + MAX_GAP + 1)):
            word = self.low(m)
            if word == "that" and self.is_word(m):
                # "the story of a village that was destroyed": a relative pronoun.
                if self.verb_like(m + 1) or self.low(m + 1) in AUXILIARIES:
                    break
                gap_ok = m == k or m == after_addressee or self.adjunct_gap(k, m, verb)
                if gap_ok and m + 1 < self.n:
                    end = self.complement_end(m + 1)
                    if end > m + 1:
                        return self.direct_or_not(m + 1, end, "that")
                break
            if self.is_quote(m) or (word and not self.is_word(m) and word != ",") or \
                    (m > k and self.cue_at(m) and not self.reads_as_noun(m)):
                break
        if verb is not None and verb.addressee == "required" and after_addressee == k:
            return None
        if after_addressee > k and self.low(after_addressee) in RELATIVES:
            return None                 # "told the story of a village that was destroyed"
        k = after_addressee
        k = self.skip_adjuncts(k)
        how = "bare"
        if self.low(k) in (":", ",") and not self.is_word(k):
            how, k = ("colon" if self.low(k) == ":" else "bare"), k + 1
        if k >= self.n:
            return None
        end = self.complement_end(k)
        if end <= k:
            return None
        if self.is_quote(k):
            if end == k + 1:
                return k, end, "quote"
        if how == "colon" and not passive:
            return k, end, how
        if verb is None:
            return (k, end, "that") if cue.form == "record" and self.low(k - 1) == "that" else None
        if verb.that_only or verb.quote_only or passive:
            return None
        if not self.clause_like(k, end, lenient=verb.lemma == "say"):
            return None
        return k, end, "bare"

    def as_complement(self, k: int) -> tuple[int, int, str] | None:
        """"described the fire as “a senseless attack”": the claim is what follows "as"."""
        obj = self.np_end(k, self.n)
        if obj == k or self.low(obj) != "as" or obj + 1 >= self.n:
            return None
        end = self.complement_end(obj + 1)
        if end <= obj + 1:
            return None
        return self.direct_or_not(obj + 1, end, "as")

    def direct_or_not(self, k: int, end: int, how: str) -> tuple[int, int, str]:
        if end == k + 1 and self.is_quote(k):
            return k, end, "quote"
        return k, end, how

    def adjunct_gap(self, k: int, m: int, verb: Verb | None) -> bool:
        """Can items [k, m) stand between a verb and its "that": dates, "in a
        statement", an adverb, or (for tell-type verbs) the addressee?"""
        first = self.low(k)
        if not (first in PREPOSITIONS or first in ADVERBS or first in TIME_WORDS or first == ","
                or first in ("last", "this", "late", "early") or (verb and verb.addressee)):
            return False
        return not any(self.verb_like(i) or self.low(i) in SUBORDINATORS
                       for i in range(k, m))

    def skip_adjuncts(self, k: int) -> int:
        """Skip "in a statement", "on Tuesday", "last week" after a verb."""
        while k < self.n:
            word = self.low(k)
            if word in PREPOSITIONS and self.is_word(k):
                end = self.np_end(k + 1, self.n, after_preposition=True)
                if end > k + 1 and any(self.low(i) in ADJUNCT_HEADS for i in range(k + 1, end)):
                    k = end
                    continue
            if word in ("last", "this", "late", "early") and self.low(k + 1) in TIME_WORDS:
                k += 2
                continue
            if word in TIME_WORDS and word not in ("may", "march") and self.is_word(k):
                k += 1
                continue
            # "said repeatedly the ...", but not "said only a laboratory could ...": a
            # focusing adverb belongs to the claim.
            if word in ADVERBS and self.is_word(k) and word not in _FOCUS_ADVERBS:
                k += 1
                continue
            break
        return k

    def clause_like(self, k: int, end: int, lenient: bool) -> bool:
        """Does [k, end) read as a clause with a subject and a verb of its own ("the deal
        was dead", "you miss something"), not as an object ("14 counts of fraud", "us
        flexibility and then pulled the rug out", "the charges that were brought")?

        A verb must come before any relative pronoun and before an "and"/"or" that
        joins a second verb to the main clause. After "say" (`lenient`), which takes
        little but clauses, four words are enough without a verb we can recognise
        ("Officials say the economy grows").
        """
        first = self.low(k)
        if first is None and not self.is_quote(k):
            return False
        if first in NOT_CLAUSE_STARTS or (first and not self.is_word(k)):
            return False
        words = [i for i in range(k, end) if self.is_word(i) or self.is_quote(i)]
        if len(words) < 3:
            return False
        for i in range(k, end):
            word = self.low(i)
            if self.is_quote(i):
                # The verb may be quoted: "her side “got what we deserved”".
                if any(self.is_word(m) and self.low(m) not in DETERMINERS for m in range(k, i)):
                    return True
                continue
            if i > k and (word in RELATIVES or word == ",") and not lenient:
                return False
            if i > k and word in ("and", "or", "but") and (
                    self.low(i + 1) in ADVERBS or self.verb_like(i + 1)):
                return False
            if i > k and (word in AUXILIARIES or word in IRREGULAR_VERBS or self.verb_like(i)):
                return True             # (the first word is the subject's, not a verb)
            if i > k and self.pronoun(i - 1, SUBJECT_PRONOUNS) and self.is_word(i) and \
                    word not in _CLOSED:
                return True
        return lenient and len(words) >= 4 and not any(
            self.low(i) == "to" for i in range(k, min(end, k + 4)))

    def continued_quote(self, previous: list[Found]) -> None:
        """A sentence that is one quotation, after a sentence that ended with a
        direct quote: the same speaker goes on (“A,” he said. “B.”)."""
        if self.found or not self.is_quote(0) or 0 in self.used or not self.ends_clause(1):
            return
        last = next((f for f in reversed(previous) if f.depth == 0), None)
        if last is None or not last.direct or last.source is None:
            return
        quote: Quote = self.items[0]
        claims = [_clean_claim(self.doc.text, a, b, True) for a, b in quote.fragments]
        claims = [c for c in claims if c]
        if claims:
            self.found.append(Found(claims=claims, source=last.source, cue=None,
                                    rule="continued_quote", direct=True,
                                    source_type=last.source_type, depth=0))
            self.used.add(0)
