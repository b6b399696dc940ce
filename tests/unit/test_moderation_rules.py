"""The moderation rules, table-tested: each flags what it should and leaves ordinary school language alone."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from marketplace.moderation.rules import ListingContext, Severity, check, worst
from marketplace.vacancies.details import VacancyDetails

NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
SCHOOL = ListingContext(
    now=NOW, websites=("https://www.riverside.example.org",), religious_character="Does not apply"
)
CATHOLIC = dataclasses.replace(SCHOOL, religious_character="Roman Catholic")


def listing(**changes) -> VacancyDetails:
    values = dict(
        title="Teacher of Geography",
        job_roles=["teacher"],
        phases=["secondary"],
        key_stages=["ks3", "ks4"],
        subjects=["Geography"],
        working_patterns=["full_time"],
        job_share=False,
        contract_type="permanent",
        fixed_term_length=None,
        parental_leave_cover=False,
        salary="Main pay range (£32,916 to £45,352)",
        salary_minimum=32916,
        salary_maximum=45352,
        starts_on=None,
        publish_on=NOW.date(),
        closing_date=NOW.date() + dt.timedelta(days=21),
        closing_time="12:00",
        ect_status="ect_suitable",
        visa_sponsorship=False,
        about_role="We are looking for a geography teacher to join our friendly humanities faculty.",
        what_school_offers="Supportive colleagues and a generous training budget.",
        how_to_apply="marketplace",
        application_url=None,
        application_email=None,
        contact_email="recruitment@riverside.example.org",
        external_reference=None,
    )
    values.update(changes)
    return VacancyDetails(**values)


def about(text: str, **changes) -> VacancyDetails:
    return listing(about_role=text, **changes)


def rules_raised(details: VacancyDetails, context: ListingContext = SCHOOL) -> set[tuple[str, str]]:
    return {(f.rule, str(f.severity)) for f in check(details, context)}


FLAGGED = [
    # Age
    ("We want a young and dynamic teacher.", "equality.age", "review"),
    ("Ideal for a recent graduate.", "equality.age", "review"),
    ("Candidates must be under 35.", "equality.age", "block"),
    ("You should be aged 25 to 40.", "equality.age", "block"),
    ("We are looking for a mature candidate.", "equality.age", "review"),
    ("An energetic young professional is needed.", "equality.age", "review"),
    ("Applicants over the age of 50 need not apply; there is an age limit.", "equality.age", "block"),
    ("Join our energetic young team in Leeds.", "equality.age", "review"),
    ("We are a young school looking for someone young at heart.", "equality.age", "review"),
    ("The ideal candidate is young, with plenty of energy.", "equality.age", "review"),
    ("A youthful outlook is essential.", "equality.age", "review"),
    ("Our department is young and dynamic.", "equality.age", "review"),
    ("Perfect for recent graduates.", "equality.age", "review"),
    ("You will be a digital native, at home with new technology.", "equality.age", "review"),
    # Sex
    ("The successful teacher, he will lead the department.", "equality.sex", "review"),
    ("We need a strong man to move furniture.", "equality.sex", "review"),
    ("Female only applicants please.", "equality.sex", "block"),
    ("The caretaker must be male.", "equality.sex", "block"),
    # Race and nationality
    ("We want a native English speaker.", "equality.race", "review"),
    ("British nationals only.", "equality.race", "block"),
    ("French native speakers preferred.", "equality.race", "review"),
    ("Candidates with English as a first language.", "equality.race", "review"),
    # Disability
    ("This role is not suitable for disabled people.", "equality.disability", "block"),
    ("Applicants must be fit and healthy.", "equality.disability", "block"),
    ("Able-bodied candidates wanted.", "equality.disability", "block"),
    # Pregnancy and maternity
    ("Applicants must not be pregnant.", "equality.pregnancy", "block"),
    ("Ideally with no plans to start a family.", "equality.pregnancy", "block"),
    # Marital status
    ("Single candidates only, as the post is residential.", "equality.marital_status", "block"),
    ("Please state your marital status.", "equality.marital_status", "block"),
    ("The right person will have no family commitments.", "equality.marital_status", "block"),
    # Religion outside a faith school
    ("You must be a practising Christian.", "equality.religion", "block"),
    ("Catholics only.", "equality.religion", "block"),
    # Scams
    ("Candidates must pay a £45 DBS fee before starting.", "scam.fees", "block"),
    ("There is a registration fee of £50.", "scam.fees", "block"),
    ("A training fee is payable by the candidate.", "scam.fees", "block"),
    ("Send your bank details with your CV.", "scam.bank_details", "block"),
    ("Email your sort code and account number.", "scam.bank_details", "block"),
    ("Start Monday, no interview required.", "scam.no_interview", "block"),
    ("A guaranteed job for every applicant.", "scam.no_interview", "block"),
    ("Message us on WhatsApp to apply.", "scam.messaging_contact", "review"),
    # Agencies
    ("Our client, a large secondary school in Leeds, is recruiting.", "agency.posting", "block"),
    ("We are recruiting on behalf of a partner school.", "agency.posting", "block"),
    ("We are a leading education recruitment agency.", "agency.posting", "block"),
    ("We are recruiting on behalf of Riverside Academy, Leeds.", "agency.posting", "block"),
    ("Hays is currently recruiting on behalf of a popular primary school.", "agency.posting", "block"),
    ("We recruit teachers on behalf of schools across Yorkshire.", "agency.posting", "block"),
    ("Apply through Teaching Personnel today.", "agency.posting", "review"),
    # Tone
    ("This is a shit job but someone has to do it.", "tone.profanity", "block"),
    ("APPLY NOW FOR THIS AMAZING OPPORTUNITY today.", "tone.shouting", "review"),
    ("Amazing opportunity!!!", "tone.shouting", "review"),
    # Links
    ("Apply at https://jobs.scam.example.com/apply now.", "links.foreign_domain", "review"),
    ("See www.otherschool.org.uk for details.", "links.foreign_domain", "review"),
]


@pytest.mark.parametrize(("text", "rule", "severity"), FLAGGED)
def test_each_rule_flags_its_wording(text, rule, severity):
    findings = [f for f in check(about(text), SCHOOL) if f.rule == rule]

    assert [str(f.severity) for f in findings]
    assert str(findings[0].severity) == severity
    start, end = findings[0].span
    assert findings[0].field == "about_role"
    assert text[start:end] == findings[0].text
    assert findings[0].message.endswith(".")


PASSES = [
    "We offer a great environment for working with young people.",
    "Our young learners love reading, and so will you.",
    "You will bring a mature approach to safeguarding.",
    "You will teach pupils aged 7 to 11 with complex needs.",
    "Classes of under 25 pupils, and students aged 16 to 19.",
    "You will have experience of supporting young people and children under 5.",
    "You will teach young children in our nursery, building a love of learning from a young age.",
    "Our young learners and young carers are at the heart of everything we do.",
    "Mrs Young, our headteacher, would be delighted to show you around.",
    "The trust is recruiting on behalf of Riverside Primary, one of its schools.",
    "Staff at Riverside Academy act on behalf of the school at external events.",
    "This post is subject to an enhanced DBS check and satisfactory references.",
    "We will pay for your DBS check; there is no fee to candidates.",
    "The school pays the registration fee for the NPQ, free of charge to you.",
    "You will process invoices and reconcile the bank accounts each month.",
    "28 days' annual leave plus bank holidays.",
    "Maternity cover until July, with the possibility of a permanent post.",
    "We welcome applications regardless of age, sex, race, disability or marital status.",
    "We welcome staff of all faiths and none who support our Catholic ethos.",
    "You will be committed to sustaining the school's Christian distinctiveness.",
    "He or she will join a friendly team.",
    "No agencies, please: we are recruiting directly.",
    "Our SENCO leads SEND provision and EHCP reviews across KS3 and KS4 with the DSL.",
    "Candidates must have the right to work in the UK.",
    "Fluent spoken and written French is essential.",
    "Find the pay scales at https://www.gov.uk/government/publications/school-teachers-pay.",
    "Read more at https://www.riverside.example.org/about and https://careers.riverside.example.org.",
    "Interviews will be held in the week of 16 March.",
    "Please call the school office to arrange a visit!",
    "Scunthorpe and Penistone pupils join us in Year 7; class sizes are under 30.",
]


@pytest.mark.parametrize("text", PASSES)
def test_ordinary_school_language_raises_nothing(text):
    assert rules_raised(about(text)) == set()


def test_a_faith_school_may_ask_for_a_practising_catholic_to_teach_re_or_lead():
    text = "The successful candidate will be a practising Catholic."
    re_teacher = about(text, title="Teacher of RE", subjects=["Religious education"])
    head = about(
        text, title="Headteacher", job_roles=["headteacher"], salary_minimum=73000, salary_maximum=85000
    )
    caretaker = about(text, title="Site manager", job_roles=["catering_cleaning_and_site_management"])

    assert rules_raised(re_teacher, CATHOLIC) == {("equality.religion", "advise")}
    assert rules_raised(head, CATHOLIC) == {("equality.religion", "advise")}
    assert rules_raised(caretaker, CATHOLIC) == {("equality.religion", "review")}
    assert rules_raised(re_teacher, SCHOOL) == {("equality.religion", "block")}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"contact_email": "head.teacher1970@gmail.com"}, {("scam.webmail_contact", "review")}),
        (
            {"how_to_apply": "email", "application_email": "jobs@hotmail.co.uk"},
            {("scam.webmail_contact", "review")},
        ),
        ({"contact_email": "office@riverside.example.org"}, set()),
    ],
)
def test_personal_webmail_contact_is_a_scam_signal(changes, expected):
    assert rules_raised(listing(**changes)) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (
            {"salary": "Competitive", "salary_minimum": None, "salary_maximum": None},
            {("pay.missing", "review")},
        ),
        ({"salary": "", "salary_minimum": None, "salary_maximum": None}, {("pay.missing", "review")}),
        (
            {"salary": "Excellent package", "salary_minimum": None, "salary_maximum": None},
            {("pay.missing", "review")},
        ),
        ({"salary_minimum": 3000, "salary_maximum": 4000}, {("pay.implausible", "review")}),
        ({"salary_minimum": 32916, "salary_maximum": 4535200}, {("pay.implausible", "review")}),
        ({"salary_minimum": 20000, "salary_maximum": 90000}, {("pay.implausible", "review")}),
        ({"salary": "Grade 3, term time only", "salary_minimum": None, "salary_maximum": None}, set()),
        ({"salary": "MPS/UPS", "salary_minimum": None, "salary_maximum": None}, set()),
        ({"salary": "£12.65 an hour", "salary_minimum": None, "salary_maximum": None}, set()),
        (
            {
                "salary": "Competitive",
                "salary_minimum": None,
                "salary_maximum": None,
                "hourly_rate_pence": 1285,
            },
            set(),
        ),
        (
            {
                "title": "Teaching assistant",
                "job_roles": ["teaching_assistant"],
                "salary": "Grade 4: £24,000 to £26,000 FTE, pro rata",
                "salary_minimum": 24000,
                "salary_maximum": 26000,
            },
            set(),
        ),
        (
            {
                "title": "Headteacher",
                "job_roles": ["headteacher"],
                "salary": "Leadership L14 to L20",
                "salary_minimum": 73000,
                "salary_maximum": 85000,
            },
            set(),
        ),
        (
            {"title": "Headteacher", "job_roles": ["headteacher"], "salary_minimum": 25000},
            {("pay.implausible", "review")},
        ),
        (  # a designated safeguarding lead on the teachers' scale with a TLR is ordinary pay
            {
                "title": "Designated Safeguarding Lead",
                "job_roles": ["other_leadership"],
                "salary": "Main or upper pay range plus TLR 2b",
                "salary_minimum": 32916,
                "salary_maximum": 49084,
            },
            set(),
        ),
        (
            {
                "title": "Designated Safeguarding Lead",
                "job_roles": ["other_leadership", "pastoral_health_and_welfare"],
                "salary_minimum": 32916,
                "salary_maximum": 45352,
            },
            set(),
        ),
        (
            {
                "title": "Designated Safeguarding Lead",
                "job_roles": ["other_leadership"],
                "salary_minimum": 9000,
            },
            {("pay.implausible", "review")},
        ),
        (
            {"title": "Deputy headteacher", "job_roles": ["deputy_headteacher"], "salary_minimum": 32916},
            {("pay.implausible", "review")},
        ),
    ],
)
def test_pay_must_be_stated_and_believable(changes, expected):
    assert rules_raised(listing(**changes)) == expected


@pytest.mark.parametrize(
    ("closing_date", "publish_on", "expected"),
    [
        (
            NOW.date() - dt.timedelta(days=1),
            NOW.date() - dt.timedelta(days=10),
            {("dates.closing_past", "block")},
        ),
        (NOW.date() + dt.timedelta(days=200), NOW.date(), {("dates.closing_far", "review")}),
        (NOW.date() + dt.timedelta(days=180), NOW.date(), set()),
        (NOW.date() + dt.timedelta(days=1), NOW.date(), set()),
    ],
)
def test_the_closing_date_is_ahead_and_within_six_months(closing_date, publish_on, expected):
    assert rules_raised(listing(closing_date=closing_date, publish_on=publish_on)) == expected


def test_an_application_link_on_another_site_needs_review_and_unknown_sites_get_advice():
    details = listing(how_to_apply="website", application_url="https://apply.jobs-portal.example.com/123")
    own = listing(how_to_apply="website", application_url="https://www.riverside.example.org/vacancies/1")
    trust_site = dataclasses.replace(SCHOOL, websites=(*SCHOOL.websites, "https://www.trust.example.org"))

    assert rules_raised(details) == {("links.foreign_domain", "review")}
    assert rules_raised(own) == set()
    assert rules_raised(about("Apply at https://www.trust.example.org/jobs"), trust_site) == set()
    unknown = dataclasses.replace(SCHOOL, websites=())
    assert rules_raised(details, unknown) == {("links.unknown_school_site", "advise")}


@pytest.mark.parametrize(
    ("title", "flagged"),
    [
        ("TEACHER OF MATHEMATICS", True),
        ("URGENT!!! TEACHER NEEDED", True),
        ("SENCO", False),
        ("Teacher of PE and RE", False),
    ],
)
def test_a_title_in_capitals_is_shouting(title, flagged):
    assert (("tone.shouting", "review") in rules_raised(listing(title=title))) is flagged


def test_findings_come_most_serious_first_and_worst_is_the_most_serious():
    findings = check(about("Young and dynamic!!! Send your bank details."), SCHOOL)

    assert [f.severity for f in findings] == sorted((f.severity for f in findings), key=lambda s: s.rank)
    assert worst(findings) is Severity.BLOCK
    assert worst([]) is None


def test_a_clean_listing_raises_nothing():
    assert check(listing(), SCHOOL) == []


@pytest.mark.parametrize("text", ["Join our energetic young team.", "Ideal for a recent graduate."])
def test_age_coded_wording_is_explained_with_the_equality_act(text):
    [finding] = [f for f in check(about(text), SCHOOL) if f.rule == "equality.age"]

    assert "Equality Act 2010" in finding.message
    assert "Age is a protected characteristic" in finding.message
