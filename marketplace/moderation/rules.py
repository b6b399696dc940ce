"""Moderation rules: pure checks of what a listing says, each returning findings a school can act on.

A rule is a function of the listing's details and a small `ListingContext` (the clock, the school's web
address and religious character). No database, no request: the same rules run while a school drafts
("check your listing"), when it submits, in the moderators' queue and behind the ATS API, and they are
table-tested on their own. Rules that need other listings (duplicates) live in `duplicates.py`.

Severity: `block` refuses the listing until it is fixed; `review` sends it to a moderator; `advise` is
shown to the school and the moderator but decides nothing.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from urllib.parse import urlsplit

from marketplace.moderation.phrases import PhraseFinder
from marketplace.organisations.domains import WEBMAIL_DOMAINS
from marketplace.vacancies import questions, vocabulary
from marketplace.vacancies.details import MAX_LISTING_DAYS, VacancyDetails
from marketplace.vacancies.richtext import plain_text


class Severity(enum.StrEnum):
    BLOCK = "block"
    REVIEW = "review"
    ADVISE = "advise"

    @property
    def rank(self) -> int:
        return {"block": 0, "review": 1, "advise": 2}[self.value]

    @property
    def label(self) -> str:
        return {"block": "Must fix", "review": "Needs a moderator", "advise": "Advice"}[self.value]


@dataclass(frozen=True)
class Finding:
    """One problem in a listing: which rule, how serious, where (field + character span) and how to fix it."""

    rule: str
    severity: Severity
    field: str
    message: str
    span: tuple[int, int] | None = None
    text: str = ""

    def as_json(self) -> dict:
        return {
            "rule": self.rule,
            "severity": str(self.severity),
            "message": self.message,
            "field": self.field,
            "span": list(self.span) if self.span else None,
        }


NO_RELIGIOUS_CHARACTER = frozenset({"", "none", "does not apply", "not applicable", "no religious character"})


@dataclass(frozen=True)
class ListingContext:
    """The facts about the school and the moment that the rules need besides the listing itself."""

    now: dt.datetime
    websites: tuple[str, ...] = ()  # the school's and its trust's web addresses
    religious_character: str | None = None

    @property
    def faith_school(self) -> bool:
        return (self.religious_character or "").strip().lower() not in NO_RELIGIOUS_CHARACTER

    @property
    def domains(self) -> frozenset[str]:
        return frozenset(d for d in (host_of(w) for w in self.websites) if d)


# The free-text fields the wording rules read, with the names the form and the API use for them.
TEXT_FIELDS = (
    "title",
    "about_role",
    "what_school_offers",
    "salary",
    "fixed_term_length",
    "statement_instructions",
    "application_questions",
)


def field_text(listing: object, name: str) -> str:
    """A field's text as the rules read it (and spans count): the role description may be rich text, so
    its words and where its links go, never its markup (formatting must not split a phrase)."""
    if name == "application_questions":  # the school's own questions, a question a line
        return questions.text(getattr(listing, name, None) or [])
    value: str = getattr(listing, name, None) or ""
    return plain_text(value, links=True) if name == "about_role" else value


def texts(details: VacancyDetails) -> Iterator[tuple[str, str]]:
    for name in TEXT_FIELDS:
        value = field_text(details, name)
        if value:
            yield name, value


Rule = Callable[[VacancyDetails, ListingContext], list[Finding]]


# --- wording rules: a table of patterns -------------------------------------------------------------------


@dataclass(frozen=True)
class Wording:
    """A family of phrases, the rule id and severity they raise, and the explanation shown to the school."""

    rule: str
    severity: Severity
    patterns: tuple[str, ...]
    message: str
    # Skip a match when one of these matches the text just around it (ordinary school language).
    unless_near: tuple[str, ...] = ()
    finder: PhraseFinder = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "finder", PhraseFinder(self.patterns))

    def findings(self, name: str, text: str) -> list[Finding]:
        found = []
        for match in self.finder.finditer(text):
            window = text[max(0, match.start() - 80) : match.end() + 40]
            if any(re.search(pattern, window, re.I) for pattern in self.unless_near):
                continue
            found.append(
                Finding(
                    rule=self.rule,
                    severity=self.severity,
                    field=name,
                    message=self.message,
                    span=(match.start(), match.end()),
                    text=match.group(0),
                )
            )
        return found


_CANDIDATE = (
    r"(?:candidates?|applicants?|persons?|people|individuals?|teachers?|professionals?|staff|team members?)"
)
_PUPILS = r"(?:pupils?|students?|children|learners?|young people|class|classes|boys|girls|year olds?|ks\d)"

# Words after "young" that make it about the pupils the school serves, not the person it wants to hire.
_YOUNG_PUPILS = (
    r"people|persons?|person's|children|child|childs|learners?|pupils?|students?|minds?|adults?|carers?|"
    r"offenders?|readers?|writers?|musicians?|scientists?|mathematicians?|athletes?|age|ones|lives"
)
_YOUNG_ON_ITS_OWN = (
    r"(?<!\bmr\s)(?<!\bmrs\s)(?<!\bms\s)(?<!\bmiss\s)(?<!\bdr\s)"
    r"\byoung\b(?!\s+(?:" + _YOUNG_PUPILS + r")\b)(?!-?\s*(?:and|&)\s+(?:old|older)\b)"
)

AGE = (
    Wording(
        "equality.age",
        Severity.BLOCK,
        (
            r"\b(?:candidates?|applicants?|you)\s+(?:must|should)\s+be\s+(?:aged\s+)?"
            r"(?:under|over|below|above|between)\s+\d{2}\b",
            r"\b(?:under|below)\s+(?:the\s+age\s+of\s+)?(?:2\d|3\d|4\d|5\d)"
            r"(?!\s*(?:%|per|pupils?|students?|children|learners?|in\b|on\b"
            r"|hours?|minutes?|days?|weeks?|years? of))\b",
            r"\b(?:aged|age)\s+(?:2\d|3\d|4\d)\s*(?:to|-|\u2013)\s*(?:3\d|4\d|5\d)"
            r"(?!\s*(?:pupils?|students?|children|learners?))\b",
            r"\b(?:maximum|upper)\s+age\b",
            r"\bage\s+limit\b",
            r"\bno\s+older\s+than\b",
        ),
        "Do not set an age limit for candidates: under the Equality Act 2010 age is a protected "
        "characteristic. "
        "Describe the experience or qualifications the job needs instead.",
        unless_near=(
            _PUPILS + r"\s+aged",
            r"aged\s+\d+\s*(?:to|-|\u2013)\s*\d+\s+" + _PUPILS,
            r"\b(?:class(?:es)?|class\s+sizes?|groups?|sets?)\s+(?:are\s+|of\s+)?(?:under|below)\s+\d",
        ),
    ),
    Wording(
        "equality.age",
        Severity.REVIEW,
        (
            r"\byoung\s+and\s+(?:dynamic|energetic|vibrant|enthusiastic|ambitious|fresh)\b",
            r"\b(?:dynamic|energetic|vibrant|enthusiastic)\s+young\s+(?:team|workforce|" + _CANDIDATE + ")",
            r"\byoung\s+(?:candidates?|applicants?|teachers?|professionals?|graduates?|man|woman|men|women|lady|ladies|blood)\b",
            r"\byouthful\b",
            # "young" on its own describes the candidate or the staff, unless it describes the pupils
            # ("young people", "young children", "young learners") or is a surname ("Mrs Young").
            _YOUNG_ON_ITS_OWN,
            r"\b(?:recent|new|fresh)\s+graduates?\b",
            r"\bdigital\s+natives?\b",
            r"\bmature\s+(?:candidates?|applicants?|persons?|individuals?|teachers?|lady|ladies|gentlem[ae]n|wom[ae]n|m[ae]n)\b",
            r"\b(?:must|should)\s+be\s+mature\b",
            r"\b(?:under|over)\s+(?:the\s+age\s+of\s+)?(?:2\d|3\d|4\d|5\d)s\b",
        ),
        "Words such as 'young', 'youthful', 'mature', 'recent graduate' or 'digital native' suggest you "
        "prefer candidates of a certain age. Age is a protected characteristic under the Equality Act "
        "2010, so this wording could discriminate against candidates of other ages. Say what the job needs "
        "(for example 'enthusiastic', 'early career teachers welcome', or the experience required) "
        "without words about age.",
    ),
)

SEX = (
    Wording(
        "equality.sex",
        Severity.BLOCK,
        (
            r"\b(?:fe)?males?\s+only\b",
            r"\b(?:wo)?men\s+only\b",
            r"\bonly\s+(?:fe)?male\b",
            r"\b(?:fe)?male\s+(?:candidates?|applicants?)\s+only\b",
            r"\b(?:must|should)\s+be\s+(?:a\s+)?(?:fe)?male\b",
            r"\b(?:must|should)\s+be\s+a\s+(?:wo)?man\b",
        ),
        "Do not limit the job to one sex: sex is a protected characteristic under the Equality Act 2010. "
        "If a genuine occupational requirement applies, talk to a moderator before posting.",
    ),
    Wording(
        "equality.sex",
        Severity.REVIEW,
        (
            r"\b(?:he|she)\s+(?:will|must|should|would|shall|needs?\s+to)\b",
            r"\b(?:strong|young|right|successful)\s+(?:man|men|woman|women|lady|ladies|girl|guy)\b",
            r"\bgirl\s+friday\b",
            r"\b(?:his|her)\s+(?:own\s+)?(?:classroom|class|experience|application|role)\b",
        ),
        "This wording assumes the successful candidate is a man or a woman. Write 'you will' or 'the "
        "successful candidate will', so every candidate can see themselves in the job.",
        unless_near=(r"\bhe\s+or\s+she\b", r"\bhis\s+or\s+her\b", r"\bshe\s+or\s+he\b"),
    ),
)

RACE = (
    Wording(
        "equality.race",
        Severity.BLOCK,
        (
            r"\b(?:british|english|uk|eu)\s+(?:nationals?|citizens?|passport\s+holders?|people|candidates?|applicants?)\s+only\b",
            r"\bonly\s+(?:british|english|uk|eu)\s+(?:nationals?|citizens?|passport\s+holders?|candidates?|applicants?)\b",
            r"\b(?:must|should)\s+be\s+(?:a\s+)?(?:british|english)(?:\s+(?:national|citizen|born))?\b(?!\s+(?:sign|literature|language))",
            r"\bwhite\s+british\b",
            r"\bno\s+(?:foreigners|immigrants|foreign\s+nationals)\b",
        ),
        "Do not restrict the job by nationality, race or ethnic origin: these are protected under the "
        "Equality "
        "Act 2010. If the job needs the right to work in the UK, say that instead: 'You must have the right "
        "to work in the UK'.",
    ),
    Wording(
        "equality.race",
        Severity.REVIEW,
        (
            r"\bnative\s+(?:english|french|spanish|german|italian|mandarin|chinese|arabic|urdu|polish)?\s*speakers?\b",
            r"\b(?:english|french|spanish|german)\s+native\s+speakers?\b",
            r"\b(?:english|french|spanish|german)\s+as\s+(?:a|your|their|his|her)\s+(?:first|mother)\s+(?:language|tongue)\b",
            r"\bmother\s+tongue\b",
        ),
        "Asking for a 'native speaker' discriminates by national origin. Ask for the level of language the "
        "job needs instead, for example 'fluent spoken and written French'.",
    ),
)

DISABILITY = (
    Wording(
        "equality.disability",
        Severity.BLOCK,
        (
            r"\bable[- ]bodied\b",
            r"\bno\s+(?:disabled|disabilities|disability|health\s+(?:problems|conditions|issues)|medical\s+conditions)\b",
            r"\bnot\s+suitable\s+for\s+(?:disabled|wheelchair\s+users|people\s+with\s+(?:a\s+)?disabilit)",
            r"\bno\s+(?:history\s+of\s+)?(?:mental\s+(?:illness|health\s+(?:problems|issues))|depression)\b",
            r"\b(?:must|should)\s+(?:be|have)\s+(?:in\s+)?(?:perfect|excellent|good)\s+(?:physical\s+)?health\b",
            r"\bfit\s+and\s+healthy\b",
        ),
        "Do not exclude disabled people or people with health conditions: disability is protected under the "
        "Equality Act 2010. Describe the physical tasks the job involves and say you will make reasonable "
        "adjustments.",
    ),
)

PREGNANCY = (
    Wording(
        "equality.pregnancy",
        Severity.BLOCK,
        (
            r"\bnot\s+(?:be\s+)?pregnant\b",
            r"\bno\s+pregnan(?:t|cy|cies)\b",
            r"\b(?:no|not\s+(?:be\s+)?planning|no\s+plans?)\s+(?:to\s+)?(?:start(?:ing)?\s+a\s+family|have\s+children|having\s+children|maternity\s+leave)\b",
            r"\bwithout\s+(?:plans\s+for\s+)?(?:maternity\s+leave|a\s+family)\b",
        ),
        "Do not ask about pregnancy or plans for a family: pregnancy and maternity are protected under the "
        "Equality Act 2010. Remove this wording.",
    ),
)

MARITAL = (
    Wording(
        "equality.marital_status",
        Severity.BLOCK,
        (
            r"\b(?:single|married|unmarried)\s+(?:candidates?|applicants?|persons?|people|men|women|man|woman)\s*(?:only|preferred)?\b",
            r"\b(?:must|should)\s+be\s+(?:single|married|unmarried)\b",
            r"\bmarital\s+status\b",
            r"\bno\s+(?:children|dependants|dependents|family\s+commitments)\b",
        ),
        "Do not ask about marital status or family commitments: marriage and civil partnership are protected "
        "under the Equality Act 2010. If the job needs particular hours, say which hours.",
        unless_near=(
            r"marital\s+status\s+(?:is|are)\s+(?:not|never)",
            r"\b(?:regardless|irrespective)\s+of\b[^.]{0,80}marital",
        ),
    ),
)

_FAITHS = (
    r"(?:christians?|catholics?|roman\s+catholics?|anglicans?|church\s+of\s+england|muslims?|jews|jewish|"
    r"hindus?|sikhs?|buddhists?|methodists?|baptists?|protestants?|islamic|of\s+(?:the|our)\s+faith|"
    r"of\s+faith|believers?)"
)
RELIGION_PATTERNS = (
    rf"\bpractising\s+(?:member\s+of\s+(?:the|a|our)\s+)?{_FAITHS}",
    rf"\b(?:must|should)\s+be\s+(?:a\s+)?(?:practising\s+|committed\s+)?{_FAITHS}",
    rf"\b{_FAITHS}\s+(?:candidates?\s+|applicants?\s+)?only\b",
    r"\bregular\s+(?:church|mosque|synagogue|temple|gurdwara)[- ]?(?:goer|attend)",
    r"\bno\s+(?:atheists|non[- ]believers|muslims|christians|jews)\b",
)
RELIGION_MESSAGE = (
    "Requiring a religion or belief is unlawful unless it is a genuine occupational requirement. Remove it, "
    "or say you welcome staff of all faiths and none who support the school's ethos."
)
RELIGION_GOR_MESSAGE = (
    "A faith school may ask for a practising member of its faith where that is a genuine occupational "
    "requirement (such as teaching religious education or a senior leadership role). Check the requirement "
    "applies to this job and say why it does."
)
_RELIGION = PhraseFinder(RELIGION_PATTERNS)

_LEADERSHIP_ROLES = frozenset(
    {"headteacher", "deputy_headteacher", "assistant_headteacher", "other_leadership"}
)


def _occupational_requirement_may_apply(details: VacancyDetails) -> bool:
    """RE teaching and leadership in a faith school: where the Equality Act allows a faith requirement."""
    religious_education = "Religious education" in details.subjects or re.search(
        r"\b(?:RE|RS|religious\s+(?:education|studies)|chaplain|chaplaincy)\b", details.title, re.I
    )
    return bool(religious_education or _LEADERSHIP_ROLES & set(details.job_roles))


def religion(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    if context.faith_school and _occupational_requirement_may_apply(details):
        severity, message = Severity.ADVISE, RELIGION_GOR_MESSAGE
    elif context.faith_school:
        severity, message = Severity.REVIEW, RELIGION_MESSAGE
    else:
        severity, message = Severity.BLOCK, RELIGION_MESSAGE
    return [
        Finding("equality.religion", severity, name, message, (m.start(), m.end()), m.group(0))
        for name, text in texts(details)
        for m in _RELIGION.finditer(text)
    ]


# --- scam signals ---------------------------------------------------------------------------------------

FEES = Wording(
    "scam.fees",
    Severity.BLOCK,
    (
        r"\b(?:dbs|registration|training|admin(?:istration)?|application|processing|onboarding|enrolment|"
        r"vetting|clearance|compliance|uniform|placement|induction|booking)\s+(?:fee|charge|deposit)s?\b",
        r"£\s?\d[\d,.]*\s+(?:fee|deposit|charge)\b",
        r"\b(?:you|candidates?|applicants?)\s+(?:will\s+)?(?:need\s+to|must|have\s+to|are\s+required\s+to)\s+pay\b",
        r"\b(?:pay|paid|payable)\s+(?:by|from)\s+(?:the\s+)?(?:candidates?|applicants?|you)\b",
        r"\brefundable\s+(?:deposit|fee)\b",
    ),
    "Never ask candidates to pay: fees for DBS checks, registration or training are a common scam, and "
    "schools pay for their own checks. Remove any charge to candidates.",
    unless_near=(
        r"\b(?:we|the\s+school|the\s+trust|the\s+academy|the\s+college)\s+(?:will\s+)?(?:pay|cover|fund|reimburse|refund)",
        r"\b(?:free\s+of\s+charge|at\s+no\s+cost|no\s+(?:fee|charge|cost)s?)\b",
        r"\b(?:paid|covered|funded)\s+by\s+(?:us|the\s+school|the\s+trust|the\s+academy)\b",
    ),
)

BANK_DETAILS = Wording(
    "scam.bank_details",
    Severity.BLOCK,
    (
        r"\bbank\s+(?:account\s+)?details\b",
        r"\bsort\s+code\b",
        r"\b(?:bank\s+)?account\s+number\b",
        r"\biban\b",
        r"\b(?:send|provide|email)\s+(?:us\s+)?(?:a\s+copy\s+of\s+)?your\s+(?:bank\s+statements?|passport|national\s+insurance\s+number)\b",
    ),
    "Do not ask candidates for bank details or identity documents in an advert: this is how scams start. "
    "Schools collect these safely after an offer, through their own HR process.",
    unless_near=(r"\b(?:reconcil|payroll|invoice|finance\s+(?:officer|assistant|manager))",),
)

NO_INTERVIEW = Wording(
    "scam.no_interview",
    Severity.BLOCK,
    (
        r"\bno\s+interviews?\s+(?:required|needed|necessary)\b",
        r"\bwithout\s+(?:an?\s+)?interview\b",
        r"\bguaranteed\s+(?:job|position|post|placement|employment|offer)\b",
        r"\b(?:start|hired|appointed)\s+(?:immediately\s+)?without\s+(?:checks|references)\b",
    ),
    "Every school appointment needs an interview and safer-recruitment checks (Keeping Children Safe in "
    "Education). Remove promises of a job without interview.",
)

MESSAGING_APPS = Wording(
    "scam.messaging_contact",
    Severity.REVIEW,
    (
        r"\b(?:whats\s?app|telegram|signal\s+messenger|viber|wechat|snapchat|kik)\b",
        r"\b(?:text|message|dm)\s+(?:me|us)\s+on\b",
    ),
    "Ask candidates to contact the school through its own email address or phone number, not a messaging "
    "app: candidates are taught to treat messaging-app-only contact as a scam.",
)


def webmail_contact(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    """A school listing whose only ways to get in touch are personal webmail addresses."""
    addresses = [("contact_email", details.contact_email)]
    if details.how_to_apply == "email" and details.application_email:
        addresses.append(("application_email", details.application_email))
    found = []
    for name, address in addresses:
        domain = (address or "").rpartition("@")[2].strip().lower()
        if domain in WEBMAIL_DOMAINS:
            found.append(
                Finding(
                    "scam.webmail_contact",
                    Severity.REVIEW,
                    name,
                    f"Use the school's own email address rather than a personal {domain} address: candidates "
                    "need to know the advert really comes from the school.",
                    (0, len(address)),
                    address,
                )
            )
    return found


# --- agencies -------------------------------------------------------------------------------------------

AGENCY = (
    Wording(
        "agency.posting",
        Severity.BLOCK,
        (
            r"\bour\s+clients?\b",
            r"\bon\s+behalf\s+of\s+(?:our|a|an|one\s+of\s+our)\s+(?:valued\s+|partner\s+)?(?:clients?|schools?|academ(?:y|ies)|partner)",
            r"\bwe\s+are\s+(?:a|an)\s+(?:leading\s+|specialist\s+|national\s+)*(?:(?:recruitment|teaching|supply|education|staffing)\s+){1,2}(?:agency|consultancy|company|business)\b",
            r"\b(?:register|registration)\s+with\s+(?:our|the)\s+agency\b",
        ),
        "The marketplace is for schools and trusts to advertise their own jobs, free. Recruitment agencies "
        "cannot post here: ask the school to post the job itself.",
    ),
    Wording(
        "agency.posting",
        Severity.BLOCK,
        # Recruiting on behalf of a named school is what an agency does; a trust doing it for one of its own
        # schools is not, so a trust (or federation, diocese, local authority) mentioned nearby is left alone.
        (r"\brecruit(?:ing|s)?\s+(?:\w+\s+){0,3}?on\s+behalf\s+of\b",),
        "The marketplace is for schools and trusts to advertise their own jobs, free. Recruitment agencies "
        "cannot post here: ask the school to post the job itself.",
        unless_near=(
            r"\b(?:trust|federation|diocese|diocesan|local\s+authority|council)\b",
            r"\bnot\s+(?:be\s+)?recruit\w*\s+on\s+behalf\b",
        ),
    ),
    Wording(
        "agency.posting",
        Severity.REVIEW,
        (
            r"\b(?:randstad|hays\s+education|reed\s+education|tradewind|teaching\s+personnel|engage\s+education|"
            r"protocol\s+education|supply\s+desk|vision\s+for\s+education|prospero\s+teaching|academics\s+ltd|"
            r"long\s+term\s+futures|simply\s+education|capita\s+education|remedy\s+education|"
            r"smart\s+teachers|k[- ]?tech\s+recruitment|qualitas\s+recruitment|timeplan)\b",
            r"\brecruitment\s+consultant\b",
            r"\b(?:daily|weekly)\s+rate\s+(?:via|through)\s+(?:the|our)\s+agency\b",
        ),
        "This mentions a recruitment agency. The marketplace is for schools to post directly: a moderator "
        "will check the listing really comes from the school.",
        unless_near=(
            r"\bno\s+agenc(?:y|ies)\b",
            r"\bagencies\s+need\s+not\b",
            r"\bnot\s+accept\w*\s+agency\b",
        ),
    ),
)


# --- tone ------------------------------------------------------------------------------------------------

PROFANITY = Wording(
    "tone.profanity",
    Severity.BLOCK,
    (
        r"\bf+u+c+k+(?:ing|ed|er|s)?\b",
        r"\bsh[i1]t(?:e|s|ty)?\b",
        r"\bbullshit\b",
        r"\bbollocks\b",
        r"\bbastards?\b",
        r"\bwank(?:er|ers|ing)?\b",
        r"\btwats?\b",
        r"\bcunts?\b",
        r"\bpiss(?:ed|ing)?\b",
        r"\barse(?:hole)?s?\b",
        r"\bdickheads?\b",
        r"\bbloody\s+(?:hell|good|great)\b",
        r"\bcrap(?:py)?\b",
    ),
    "Remove the swearing: adverts are read by children, parents and candidates.",
)

EXCLAMATIONS = Wording(
    "tone.shouting",
    Severity.REVIEW,
    (r"!{2,}",),
    "Use one exclamation mark at most: runs of '!!!' look like spam and put good candidates off.",
)

# Capitalised abbreviations that schools write all the time and are not shouting.
SCHOOL_ABBREVIATIONS = frozenset(
    {
        "SEND",
        "SENCO",
        "SENDCO",
        "GCSE",
        "GCSES",
        "EYFS",
        "PSHE",
        "RSE",
        "RE",
        "RS",
        "PE",
        "ICT",
        "DT",
        "MFL",
        "KS",
        "KS1",
        "KS2",
        "KS3",
        "KS4",
        "KS5",
        "TLR",
        "MPS",
        "UPS",
        "MPR",
        "UPR",
        "QTS",
        "QTLS",
        "ECT",
        "ECTS",
        "NQT",
        "DBS",
        "HLTA",
        "TA",
        "TAS",
        "SLT",
        "CPD",
        "NPQ",
        "NPQH",
        "NPQSL",
        "SEMH",
        "ASD",
        "ADHD",
        "EHCP",
        "EHCPS",
        "SATS",
        "AQA",
        "OCR",
        "WJEC",
        "EAL",
        "STEM",
        "STEAM",
        "IT",
        "HR",
        "NHS",
        "UK",
        "CE",
        "RC",
        "VA",
        "VC",
        "MAT",
        "LA",
        "FE",
        "SEN",
        "PPA",
        "UKMT",
        "PPE",
        "EPQ",
        "BTEC",
        "IB",
        "IGCSE",
        "CAMHS",
        "KCSIE",
        "DSL",
        "DDSL",
        "AP",
        "ESOL",
        "SMSC",
        "CEO",
        "CFO",
        "COO",
        "HMI",
        "OFSTED",
        "ISI",
        "SIAMS",
        "CIF",
        "ELSA",
        "LSA",
        "SSP",
        "RWI",
        "ERASMUS",
        "AND",
        "OF",
        "THE",
        "FOR",
        "TO",
        "IN",
        "A",
    }
)
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'\u2019&-]+(?:[\s,/]+[A-Z][A-Z'\u2019&-]+){2,}\b")


def shouting(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    """Titles in capitals, runs of capitalised words in the text and runs of exclamation marks."""
    message = (
        "Write in sentence case: text in capitals reads as shouting and is harder to read, especially for "
        "people with dyslexia."
    )
    found = []
    letters = [c for c in details.title if c.isalpha()]
    if len(letters) >= 8 and sum(c.isupper() for c in letters) / len(letters) > 0.8:
        words = set(re.findall(r"[A-Za-z]+", details.title.upper()))
        if not words <= SCHOOL_ABBREVIATIONS:
            found.append(
                Finding(
                    "tone.shouting", Severity.REVIEW, "title", message, (0, len(details.title)), details.title
                )
            )
    for name, text in texts(details):
        if name != "title":
            for match in _CAPS_RUN.finditer(text):
                capitals = re.findall(r"[A-Z]+", match.group(0))
                shouted = [w for w in capitals if w not in SCHOOL_ABBREVIATIONS and len(w) > 1]
                if len(shouted) >= 3:
                    found.append(
                        Finding("tone.shouting", Severity.REVIEW, name, message, match.span(), match.group(0))
                    )
        found.extend(EXCLAMATIONS.findings(name, text))
    return found


# --- pay --------------------------------------------------------------------------------------------------

_VAGUE_SALARY = re.compile(
    r"^\s*(?:competitive|negotiable|tbc|tba|tbd|to\s+be\s+(?:confirmed|agreed|discussed)|doe|"
    r"depending\s+on\s+experience|dependent\s+on\s+experience|excellent|attractive|good|market\s+rate|"
    r"n/?a|-+|\.+|see\s+(?:below|advert|description))\s*(?:salary|pay|package|rates?)?\s*[.!]*\s*$",
    re.I,
)
_PAY_REFERENCE = re.compile(
    r"\d|\b(?:mps|ups|mpr|upr|main\s+pay|upper\s+pay|leadership|pay\s+(?:range|scale|spine)|grade|scale|"
    r"band|point|tlr|njc|burgundy\s+book|pro\s+rata|unqualified|teachers'?\s+pay)\b",
    re.I,
)

# Full-time-equivalent yearly pay that is plausible for each kind of job in an English school, in pounds.
SUPPORT_PAY = (11_000, 90_000)
TEACHING_PAY = (20_000, 120_000)
LEADERSHIP_PAY = (40_000, 250_000)


# Roles paid on the leadership pay range. Other leadership roles (a designated safeguarding lead, a head of
# sixth form) are often paid on the teachers' scale with a TLR, so they are judged by the teaching band.
_LEADERSHIP_PAY_ROLES = frozenset({"headteacher", "deputy_headteacher", "assistant_headteacher"})


def _pay_band(details: VacancyDetails) -> tuple[int, int]:
    roles = set(details.job_roles)
    if roles & _LEADERSHIP_PAY_ROLES and not roles & set(vocabulary.SUPPORT_JOB_ROLES):
        return LEADERSHIP_PAY
    if roles & set(vocabulary.TEACHING_JOB_ROLES):
        return TEACHING_PAY
    return SUPPORT_PAY


def salary(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    """The pay must be stated, and any amounts given must be believable for the role."""
    text = (details.salary or "").strip()
    # An hourly rate or an actual yearly pay is a figure too (vacancies/pay.py).
    has_amounts = any(
        amount is not None
        for amount in (
            details.salary_minimum,
            details.salary_maximum,
            details.hourly_rate_pence,
            details.actual_salary,
        )
    )
    if not text and not has_amounts:
        return [
            Finding(
                "pay.missing",
                Severity.REVIEW,
                "salary",
                "Say what the job pays, such as the pay range or grade: adverts without pay get fewer "
                "applications and schools must be open about pay.",
            )
        ]
    if not has_amounts and (_VAGUE_SALARY.match(text) or not _PAY_REFERENCE.search(text)):
        return [
            Finding(
                "pay.missing",
                Severity.REVIEW,
                "salary",
                "Give the actual pay (for example 'Main pay range, £32,916 to £45,352' or a support staff "
                "grade with its range) rather than a word like 'competitive'.",
                (0, len(details.salary)),
                details.salary,
            )
        ]
    low, high = _pay_band(details)
    found = []
    for name, amount in (
        ("salary_minimum", details.salary_minimum),
        ("salary_maximum", details.salary_maximum),
    ):
        if amount is None:
            continue
        if amount < low:
            found.append(
                Finding(
                    "pay.implausible",
                    Severity.REVIEW,
                    name,
                    f"£{amount:,} a year looks too low for this role. Give the full-time equivalent yearly "
                    "pay (put hourly rates or pro rata details in the salary description).",
                    text=f"£{amount:,}",
                )
            )
        elif amount > high:
            found.append(
                Finding(
                    "pay.implausible",
                    Severity.REVIEW,
                    name,
                    f"£{amount:,} a year looks too high for this role. "
                    "Check the amount for a typing mistake.",
                    text=f"£{amount:,}",
                )
            )
    if (
        details.salary_minimum
        and details.salary_maximum
        and details.salary_maximum > 3 * details.salary_minimum
        and not found
    ):
        found.append(
            Finding(
                "pay.implausible",
                Severity.REVIEW,
                "salary_maximum",
                "The top of the pay range is more than three times the bottom. Check both amounts.",
            )
        )
    return found


# --- dates ------------------------------------------------------------------------------------------------


def closing_date(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    """The closing time must be ahead, and not so far ahead that the advert goes stale."""
    try:
        closes_at = details.closes_at
    except (AttributeError, ValueError):
        return []
    if closes_at <= context.now:
        return [
            Finding(
                "dates.closing_past",
                Severity.BLOCK,
                "closing_date",
                "The closing date has passed. Choose a closing date in the future.",
            )
        ]
    start = max(details.publish_on, context.now.date())
    if details.closing_date > start + dt.timedelta(days=MAX_LISTING_DAYS):
        return [
            Finding(
                "dates.closing_far",
                Severity.REVIEW,
                "closing_date",
                "The closing date is more than six months away. Choose an earlier date: long-running adverts "
                "go stale and candidates assume the job has gone.",
            )
        ]
    return []


# --- links ------------------------------------------------------------------------------------------------

_URL = re.compile(r"\b(?:https?://|www\.)[^\s<>\"')\]]+", re.I)
_BARE_DOMAIN = re.compile(
    r"\b(?:[a-z0-9-]+\.)+(?:com|net|org|info|biz|io|co|xyz|top|online|site|uk|ly|me)(?:/[^\s<>\"')\]]*)?\b",
    re.I,
)
# What every match of each contains: a text without it is not searched (most texts have no links).
_URL_MARKS = ("://", "www.")
_TOP_LEVEL_DOMAIN = re.compile(r"\.(?:com|net|org|info|biz|io|co|xyz|top|online|site|uk|ly|me)", re.I)
# Public services a school may rightly link to (pay scales, DBS, safeguarding guidance).
TRUSTED_DOMAINS = ("gov.uk", "nhs.uk", "police.uk", "ofsted.gov.uk", "legislation.gov.uk")


def host_of(address: str | None) -> str:
    """The host name of a web address (with or without a scheme), lower-case and without 'www.'."""
    if not address:
        return ""
    address = address.strip()
    if "://" not in address:
        address = "https://" + address
    try:
        host = (urlsplit(address).hostname or "").lower().rstrip(".")
    except ValueError:
        return ""
    return host.removeprefix("www.")


def _same_site(host: str, domains: frozenset[str]) -> bool:
    return any(host == d or host.endswith("." + d) or d.endswith("." + host) for d in domains)


def foreign_links(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    """Links that lead somewhere other than the school's (or its trust's) own website."""
    domains = context.domains
    found = []
    candidates: list[tuple[str, str, tuple[int, int]]] = []
    for name, text in texts(details):
        seen: set[tuple[int, int]] = set()
        lowered = text.lower()
        patterns = (
            *((_URL,) if any(mark in lowered for mark in _URL_MARKS) else ()),
            *((_BARE_DOMAIN,) if _TOP_LEVEL_DOMAIN.search(text) else ()),
        )
        for pattern in patterns:
            for match in pattern.finditer(text):
                if any(match.start() >= s and match.end() <= e for s, e in seen):
                    continue
                if "@" in text[max(0, match.start() - 1) : match.start()]:
                    continue  # the domain part of an email address
                seen.add(match.span())
                candidates.append((name, match.group(0), match.span()))
    if details.how_to_apply == "website" and details.application_url:
        candidates.append(("application_url", details.application_url, (0, len(details.application_url))))
    for name, url, span in candidates:
        host = host_of(url.rstrip(".,;:"))
        if not host or _same_site(host, frozenset(TRUSTED_DOMAINS)):
            continue
        if not domains:
            found.append(
                Finding(
                    "links.unknown_school_site",
                    Severity.ADVISE,
                    name,
                    "We do not know your school's website, so we cannot check this link. Add your website to "
                    "your school's details.",
                    span,
                    url,
                )
            )
        elif not _same_site(host, domains):
            found.append(
                Finding(
                    "links.foreign_domain",
                    Severity.REVIEW,
                    name,
                    f"This link goes to {host}, which is not your school's website. "
                    "Link to a page on your own "
                    "website, or remove the link: candidates should never be sent to a third-party site.",
                    span,
                    url,
                )
            )
    return found


# --- the rule book ----------------------------------------------------------------------------------------


def _wording(*families: Wording) -> Rule:
    def rule(details: VacancyDetails, context: ListingContext) -> list[Finding]:
        fields = list(texts(details))
        return [
            finding for family in families for name, text in fields for finding in family.findings(name, text)
        ]

    return rule


RULES: tuple[Rule, ...] = (
    _wording(*AGE),
    _wording(*SEX),
    _wording(*RACE),
    _wording(*DISABILITY),
    _wording(*PREGNANCY),
    _wording(*MARITAL),
    religion,
    _wording(FEES, BANK_DETAILS, NO_INTERVIEW, MESSAGING_APPS),
    webmail_contact,
    _wording(*AGENCY),
    _wording(PROFANITY),
    shouting,
    salary,
    closing_date,
    foreign_links,
)

# The wording families also read in supporting documents. The rules that judge a listing's facts (pay,
# dates, links, contacts, a faith school's requirements) read only the listing's own fields.
DOCUMENT_WORDINGS: tuple[Wording, ...] = (
    *AGE,
    *SEX,
    *RACE,
    *DISABILITY,
    *PREGNANCY,
    *MARITAL,
    FEES,
    BANK_DETAILS,
    NO_INTERVIEW,
    MESSAGING_APPS,
    *AGENCY,
    PROFANITY,
)
DOCUMENTS_FIELD = "documents"


def document_findings(filename: str, text: str) -> list[Finding]:
    """The wording rules' findings in the text of one supporting document, named in each message.

    Text read out of a PDF can run the words of neighbouring columns together, so what would block a
    listing asks for a moderator instead.
    """
    found = [
        replace(
            finding,
            severity=Severity.REVIEW if finding.severity is Severity.BLOCK else finding.severity,
            message=f"In {filename}: {finding.message}",
        )
        for family in DOCUMENT_WORDINGS
        for finding in family.findings(DOCUMENTS_FIELD, text)
    ]
    return _without_overlaps(found)


def unread_document_finding(filename: str) -> Finding:
    """A document whose words could not be read: nothing was checked, which a moderator should know."""
    return Finding(
        rule="document.not_read",
        severity=Severity.ADVISE,
        field=DOCUMENTS_FIELD,
        message=(
            f"{filename} could not be read automatically (a Word 97-2003 file, or a scanned or protected "
            "PDF), so our checks did not cover it. A PDF with selectable text or a DOCX can be checked."
        ),
    )


# Every rule id, with what it looks for, for filters and metrics.
RULE_NAMES = {
    "document.not_read": "Document not read automatically",
    "equality.age": "Age",
    "equality.sex": "Sex",
    "equality.race": "Race and nationality",
    "equality.disability": "Disability",
    "equality.pregnancy": "Pregnancy and maternity",
    "equality.marital_status": "Marital status",
    "equality.religion": "Religion or belief",
    "scam.fees": "Fees asked of candidates",
    "scam.bank_details": "Bank details or documents",
    "scam.no_interview": "No interview",
    "scam.messaging_contact": "Messaging-app contact",
    "scam.webmail_contact": "Personal webmail contact",
    "agency.posting": "Recruitment agency",
    "tone.profanity": "Profanity",
    "tone.shouting": "Shouting",
    "pay.missing": "Pay missing",
    "pay.implausible": "Pay implausible",
    "dates.closing_past": "Closing date passed",
    "dates.closing_far": "Closing date too far ahead",
    "links.foreign_domain": "Link to another site",
    "links.unknown_school_site": "School website unknown",
    "duplicate.same_organisation": "Near-duplicate of your own listing",
    "duplicate.other_organisation": "Copy of another organisation's listing",
}


def check(details: VacancyDetails, context: ListingContext) -> list[Finding]:
    """Every text rule's findings for one listing, most serious first, then in reading order."""
    findings = [finding for rule in RULES for finding in rule(details, context)]
    return sort_findings(_without_overlaps(findings))


def sort_findings(findings: list[Finding]) -> list[Finding]:
    order = {name: i for i, name in enumerate((*TEXT_FIELDS, "salary_minimum", "salary_maximum"))}
    return sorted(
        findings, key=lambda f: (f.severity.rank, order.get(f.field, 99), f.span[0] if f.span else -1, f.rule)
    )


def _without_overlaps(findings: list[Finding]) -> list[Finding]:
    """One finding per stretch of text and rule: the most serious wins when patterns overlap."""
    kept: list[Finding] = []
    for finding in sorted(findings, key=lambda f: f.severity.rank):
        if finding.span and any(
            other.rule == finding.rule
            and other.field == finding.field
            and other.span
            and other.span[0] < finding.span[1]
            and finding.span[0] < other.span[1]
            for other in kept
        ):
            continue
        kept.append(finding)
    return kept


def worst(findings: list[Finding]) -> Severity | None:
    return min((f.severity for f in findings), key=lambda s: s.rank, default=None)
