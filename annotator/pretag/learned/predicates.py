"""A hand-written lexicon of attribution predicates, by class, for the learned tagger's features.

The news annotators' attribution is broad: speech and writing, but also belief,
intention, evaluation, evidence and appearance ("X accused Y of ...", "polls
show ...", "X is expected to ...", "it seems ..."). Most cues the tagger misses
are words seen once or never as a cue in training, so the CRF also reads the
class of each word in this list (for the token and its neighbours) and counts it as a cue candidate: a rare cue
borrows from the common ones of its class. `cue_context` tells each token where
it lies from the nearest cue candidate of its sentence.

Written from general English, not from the training data. Verbs get their
inflected forms generated (regular spelling rules, a short table of irregular
verbs and of doubled finals), nouns their plural. `PREDICATES` maps each form
to "class-part" ("eval-v", "belief-n", "evid-a" ...); a lemma may be listed in
two classes, and a form then keeps the first (verbs before nouns before
adjectives, classes in the order below).
"""
from __future__ import annotations

from ..lexicon import inflect, s_form

# class: lemmas (verbs)
_VERBS = {
    "say": """say tell add claim insist argue assert contend allege admit concede declare explain
        note state announce report reveal disclose confirm deny warn stress emphasise emphasize
        underline suggest indicate recall reiterate complain boast testify remark observe caution
        speculate inform remind notify write tweet post comment reply respond answer retort
        counter mention describe characterise characterize acknowledge affirm proclaim maintain
        repeat ask question wonder urge demand call request plead appeal beg implore press
        recommend advise propose predict forecast vow promise pledge guarantee assure swear
        threaten signal hint imply mention declare broadcast publish release tout pitch preach
        lecture brief telegraph email blog cite quote paraphrase summarise summarize
        clarify specify elaborate detail outline recount narrate relate recount confess apologise
        apologize concede grant protest object rebut refute dispute contest contradict correct
        retract reaffirm echo parrot joke quip shout yell scream whisper exclaim mutter murmur
        sigh chant cry thunder bellow roar gush rave muse theorise theorize posit hypothesise
        hypothesize insinuate allude intimate stipulate concur""",
    "eval": """accuse blame criticise criticize condemn denounce attack slam blast lambaste decry
        chide scold rebuke reprimand castigate censure fault knock mock ridicule deride dismiss
        disparage belittle malign smear charge praise hail laud commend applaud welcome celebrate
        credit thank congratulate salute endorse back support champion defend justify excuse
        oppose reject resist spurn rebuff scorn label brand dub term deem rate rank grade judge
        regard consider view see call portray depict paint cast frame lament regret mourn bemoan
        deplore resent like love hate dislike prefer favor favour admire respect trust distrust
        mistrust appreciate value cherish enjoy welcome embrace accept agree disagree approve
        disapprove object challenge question doubt second tout""",
    "belief": """believe think feel suspect doubt assume presume suppose reckon figure guess imagine
        conclude realise realize recognise recognize know understand learn discover notice
        sense perceive fear worry hope wish expect anticipate trust bet gather infer deduce
        remember forget acknowledge accept agree consider find judge hold maintain dream
        envision envisage foresee""",
    "intent": """plan intend want wish aim seek try attempt vow pledge promise commit decide choose
        opt refuse decline threaten prepare push lobby press fight campaign strive struggle
        endeavour endeavor resolve determine undertake offer volunteer agree consent insist
        demand hope expect mean propose aspire yearn crave desire need require""",
    "evid": """show find reveal indicate suggest demonstrate prove confirm document establish
        report poll survey estimate project predict forecast calculate measure record list cite
        reference implicate link tie connect attribute trace blame credit tally register
        detect identify uncover expose highlight illustrate reflect mirror signal point conclude
        determine verify corroborate substantiate support contradict undermine refute""",
    "seem": "seem appear look sound",
}
_NOUNS = {
    "say": """statement remark comment claim assertion allegation accusation charge argument
        contention testimony speech interview letter memo email tweet post message announcement
        declaration press briefing conference release quote quotation words rhetoric complaint
        criticism praise warning threat promise pledge vow call demand request plea appeal
        question answer reply response retort rebuttal denial admission confession apology
        explanation suggestion recommendation proposal prediction forecast insistence boast
        remarks words op-ed editorial column essay book memoir manifesto platform blog
        transcript filing lawsuit complaint indictment ruling verdict opinion dissent""",
    "belief": """belief view opinion position stance sentiment feeling sense impression
        perception conviction assumption expectation hope fear worry concern doubt suspicion
        skepticism scepticism confidence faith trust thinking thought idea notion theory
        understanding knowledge awareness mind assessment judgment judgement estimation
        consensus outlook""",
    "intent": """plan intention intent aim goal objective ambition desire wish bid effort attempt
        push campaign drive strategy agenda proposal pledge commitment resolve determination
        decision choice refusal offer""",
    "evid": """poll survey study report analysis finding findings data evidence estimate projection
        figure figures statistics numbers research review audit investigation probe inquiry
        census tally record records document documents memo rating ratings index
        forecast indication proof result results""",
}
_ADJECTIVES = {
    "belief": """convinced aware sure certain confident unsure uncertain doubtful skeptical
        sceptical optimistic pessimistic hopeful fearful worried concerned afraid anxious
        nervous confused persuaded satisfied""",
    "eval": """happy pleased glad delighted thrilled proud grateful thankful disappointed
        dissatisfied unhappy angry furious upset outraged frustrated annoyed troubled alarmed
        shocked surprised critical supportive opposed adamant firm insistent emphatic vocal
        blunt candid clear""",
    "intent": """eager keen determined willing unwilling reluctant ready prepared poised
        committed intent resolved bent likely unlikely""",
    "seem": """likely unlikely expected supposed reported alleged rumored rumoured believed
        thought said known presumed apparent evident obvious possible probable""",
}
_OTHERS = {   # adverbs and prepositions that attribute
    "say": "according per quoting citing",
    "evid": """reportedly allegedly apparently supposedly purportedly seemingly evidently
        ostensibly presumably arguably admittedly undoubtedly clearly obviously""",
}
_IRREGULAR = {  # lemma: (past, past participle)
    "say": ("said", "said"), "tell": ("told", "told"), "write": ("wrote", "written"),
    "think": ("thought", "thought"), "find": ("found", "found"), "show": ("showed", "shown"),
    "know": ("knew", "known"), "feel": ("felt", "felt"), "see": ("saw", "seen"),
    "understand": ("understood", "understood"), "forecast": ("forecast", "forecast"),
    "hold": ("held", "held"), "seek": ("sought", "sought"), "choose": ("chose", "chosen"),
    "mean": ("meant", "meant"), "swear": ("swore", "sworn"), "bet": ("bet", "bet"),
    "broadcast": ("broadcast", "broadcast"), "cast": ("cast", "cast"),
    "learn": ("learned", "learnt"), "forget": ("forgot", "forgotten"),
    "foresee": ("foresaw", "foreseen"), "cry": ("cried", "cried"),
    "undertake": ("undertook", "undertaken"), "paint": ("painted", "painted"),
    "dream": ("dreamed", "dreamt"), "speak": ("spoke", "spoken"), "hear": ("heard", "heard"),
    "read": ("read", "read"), "lead": ("led", "led"), "set": ("set", "set"),
}
_DOUBLE_FINAL = {"admit", "quip", "regret", "commit", "plan", "slam", "prefer", "concur",
                 "rebut", "refer", "permit", "submit", "vet", "dub", "bet"}


def _build() -> dict[str, str]:
    out: dict[str, str] = {}
    for cls, words in _VERBS.items():
        for lemma in words.split():
            for form in inflect(lemma, _IRREGULAR, _DOUBLE_FINAL):
                out.setdefault(form, cls + "-v")
    for cls, words in _NOUNS.items():
        for noun in words.split():
            out.setdefault(noun, cls + "-n")
            out.setdefault(s_form(noun), cls + "-n")
    for part, table in (("a", _ADJECTIVES), ("o", _OTHERS)):
        for cls, words in table.items():
            for word in words.split():
                out.setdefault(word, cls + "-" + part)
    return out


PREDICATES: dict[str, str] = _build()


_FRAME_WORDS = {"that": "that", ":": "colon", ",": "comma", "to": "to", "of": "of", "as": "as",
                "for": "for"}


def cue_context(cues: list[str], lows: list[str], breaks: list[bool], outside: list[bool],
                bucket) -> list[list[str]]:
    """Per token of a paragraph, where it lies with respect to the nearest cue candidate of its
    sentence outside quotes (`cues[k]`: the kind of cue token k may be, or ""; `breaks[k]`:
    a sentence ends at token k; `outside[k]`: token k is outside quotes): the distance to the
    one before and to the one after (bucketed), the kind of the one before, and the first of
    *that*, a colon, a comma, *to*, *of*, *as* or *for* between the one before and the token,
    which frames the claim that follows a cue ("accused X of ...", "said that ...")."""
    n = len(lows)
    out: list[list[str]] = [[] for _ in range(n)]
    last, frame = None, ""
    for k in range(n):
        f = out[k]
        if last is not None:
            f.extend(("pl=" + bucket(k - last), "plf=" + (frame or "-"), "plc=" + cues[last]))
        if cues[k] and outside[k]:
            last, frame = k, ""
        elif last is not None and not frame:
            frame = _FRAME_WORDS.get(lows[k], "")
        if breaks[k]:
            last, frame = None, ""
    following = None
    for k in range(n - 1, -1, -1):
        if breaks[k]:
            following = None
        if following is not None:
            out[k].append("pr=" + bucket(following - k))
        if cues[k] and outside[k]:
            following = k
    return out
