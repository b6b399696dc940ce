"""Job adverts for the demo world: titles, roles, key stages, pay and text that read like real ones.

Everything here is pure: an advert is a function of the organisation, the opening, the closing date
and a seeded random generator, so the same seed always writes the same adverts.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from dataclasses import dataclass, field

from marketplace.demo.organisations import DemoOrganisation

# Which key stages each phase teaches: an advert's key stages always come from its phases.
KEY_STAGES_BY_PHASE: dict[str, tuple[str, ...]] = {
    "nursery": ("early_years",),
    "primary": ("early_years", "ks1", "ks2"),
    "secondary": ("ks3", "ks4", "ks5"),
    "sixth_form_or_college": ("ks5",),
    "through": ("early_years", "ks1", "ks2", "ks3", "ks4", "ks5"),
}

SPECIAL_SCHOOL_TYPES = frozenset(
    {
        "Community special school",
        "Foundation special school",
        "Non-maintained special school",
        "Academy special converter",
        "Academy special sponsor led",
        "Free schools special",
    }
)

# 2025/26 national pay scales for teachers (England and Wales, outside London / inner London).
MPS = (32_916, 45_352)
UPS = (47_472, 51_048)
INNER_LONDON_MPS = (40_317, 52_300)
INNER_LONDON_UPS = (57_632, 62_496)
SEN_ALLOWANCE = 2_787
TLR = {"TLR 2a": 3_488, "TLR 2b": 5_400, "TLR 2c": 8_518, "TLR 1b": 12_500, "TLR 1c": 15_200}
HOURLY_RATE = "£12.65 an hour"


@dataclass(frozen=True)
class Opening:
    """One line of an organisation's openings: "recipe argument @status +flag +flag"."""

    recipe: str
    argument: str = ""
    status: str | None = None
    flags: frozenset[str] = field(default_factory=frozenset)


def parse_opening(text: str) -> Opening:
    words = text.split()
    status = next((w[1:] for w in words if w.startswith("@")), None)
    flags = frozenset(w[1:] for w in words if w.startswith("+"))
    argument = " ".join(w for w in words[1:] if w[0] not in "@+")
    return Opening(recipe=words[0], argument=argument, status=status, flags=flags)


@dataclass
class Advert:
    """The descriptive fields of a vacancy; the world decides its status and dates."""

    title: str
    job_roles: list[str]
    phases: list[str]
    key_stages: list[str]
    subjects: list[str]
    working_patterns: list[str]
    job_share: bool
    contract_type: str
    fixed_term_length: str | None
    parental_leave_cover: bool
    salary: str
    salary_minimum: int | None
    salary_maximum: int | None
    starts_on: dt.date | None
    ect_status: str
    visa_sponsorship: bool
    about_role: str
    what_school_offers: str
    how_to_apply: str
    application_url: str | None
    application_email: str | None
    contact_email: str
    hours_per_week: float | None = None
    fte: float | None = None
    term_time_only: bool = False
    actual_salary: int | None = None
    hourly_rate_pence: int | None = None


# --- words -------------------------------------------------------------------------------------------------

_PROPER_SUBJECTS = {"English", "French", "German", "Spanish", "Mandarin", "ICT", "PSHE"}
_SHORT_SUBJECTS = {
    "Physical education": "PE",
    "Design and technology": "Design and Technology",
    "Religious education": "RE",
}


def in_prose(subject: str) -> str:
    """'Religious education' reads as 'religious education' mid-sentence; languages keep their capital."""
    return subject if subject in _PROPER_SUBJECTS else subject.lower()


def in_title(subject: str) -> str:
    if subject in _SHORT_SUBJECTS:
        return _SHORT_SUBJECTS[subject]
    return " ".join(word if word == "and" else word[:1].upper() + word[1:] for word in subject.split())


def join_and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def describe_key_stages(key_stages: list[str]) -> str:
    parts = ["the early years"] if "early_years" in key_stages else []
    numbers = [ks[2] for ks in key_stages if ks.startswith("ks")]
    if numbers:
        parts.append(f"key stage {numbers[0]}" if len(numbers) == 1 else f"key stages {join_and(numbers)}")
    return join_and(parts)


def money(amount: int) -> str:
    return f"£{amount:,}"


def pay_range(low: int, high: int) -> str:
    return f"{money(low)} to {money(high)}"


# --- dates -------------------------------------------------------------------------------------------------


def _first_weekday_from(day: dt.date, weekday: int = 0) -> dt.date:
    return day + dt.timedelta(days=(weekday - day.weekday()) % 7)


def _term_start(year: int, term: str) -> dt.date:
    """Approximate first day of a school term in England."""
    if term == "spring":
        return _first_weekday_from(dt.date(year, 1, 4))
    if term == "summer":
        return _first_weekday_from(dt.date(year, 4, 15))
    start = dt.date(year, 9, 2)  # autumn term starts on the first weekday of September after the 1st
    return start if start.weekday() < 5 else _first_weekday_from(start)


def teaching_start(closes_on: dt.date) -> dt.date:
    """The first term a teacher appointed after this closing date can start, given resignation deadlines.

    Teachers resign by 31 October, the last day of February or 31 May to leave at the end of that term.
    """
    decided_on = closes_on + dt.timedelta(days=14)
    for year in (decided_on.year, decided_on.year + 1):
        end_of_february = dt.date(year, 3, 1) - dt.timedelta(days=1)
        for deadline, starts in (
            (end_of_february, _term_start(year, "summer")),
            (dt.date(year, 5, 31), _term_start(year, "autumn")),
            (dt.date(year, 10, 31), _term_start(year + 1, "spring")),
        ):
            if deadline >= decided_on:
                return starts
    raise AssertionError("unreachable: one deadline falls within any two years")


def leader_start(closes_on: dt.date) -> dt.date:
    """Senior leaders usually start in September, with at least four months' notice."""
    year = closes_on.year
    while _term_start(year, "autumn") - closes_on < dt.timedelta(days=120):
        year += 1
    return _term_start(year, "autumn")


def end_of_academic_year(starts_on: dt.date) -> str:
    return f"Until 31 August {starts_on.year + 1 if starts_on.month >= 9 else starts_on.year}"


def start_phrase(starts_on: dt.date | None) -> str:
    return f"in {starts_on:%B %Y}" if starts_on else "as soon as possible"


# --- pay ---------------------------------------------------------------------------------------------------

Pay = tuple[str, int | None, int | None]


def leadership_point(point: int, london: bool = False) -> int:
    """An approximation of the 2025/26 leadership pay spine (about 2.5% between points)."""
    amount = 53_010 * 1.0248 ** (point - 1) * (1.19 if london else 1)
    return int(round(amount, -1))


def teacher_pay(org: DemoOrganisation, rng: random.Random, allowance: tuple[str, int] | None = None) -> Pay:
    mps, ups = (INNER_LONDON_MPS, INNER_LONDON_UPS) if org.in_london else (MPS, UPS)
    prefix = "Inner London " if org.in_london else ""
    if allowance:
        name, amount = allowance
        return (f"{prefix}MPS/UPS plus {name} ({money(amount)})", mps[0] + amount, ups[1] + amount)
    if rng.random() < 0.3:
        return f"{prefix}Main pay range ({pay_range(*mps)})", mps[0], mps[1]
    return rng.choice([f"{prefix}MPS/UPS", f"{prefix}MPS/UPS ({pay_range(mps[0], ups[1])})"]), mps[0], ups[1]


def leadership_pay(org: DemoOrganisation, low: int, high: int) -> Pay:
    london = org.in_london
    prefix = "Inner London leadership" if london else "Leadership"
    minimum, maximum = leadership_point(low, london), leadership_point(high, london)
    return f"{prefix} pay range L{low} to L{high} ({pay_range(minimum, maximum)})", minimum, maximum


def support_pay(
    org: DemoOrganisation, grade: str, low: int | None, high: int | None, *, term_time: bool
) -> Pay:
    if low is None or high is None:
        return (f"{grade}, term time only" if term_time else grade), None, None
    if org.in_london:
        low, high = int(round(low * 1.1, -1)), int(round(high * 1.1, -1))
        grade = f"{grade}, including inner London weighting"
    text = f"{grade}: {pay_range(low, high)} full-time equivalent"
    return (f"{text}, pro rata, term time only" if term_time else text), low, high


# --- texts -------------------------------------------------------------------------------------------------

SUBJECT_DEPARTMENTS: dict[str, str] = {
    "Mathematics": "The mathematics department is a close team of specialists who plan together around a "
    "shared mastery curriculum, with daily retrieval practice and plenty of modelled "
    "examples. Our strongest mathematicians take part in the UK Mathematics Trust challenges "
    "every year.",
    "English": "English is a popular and successful department with a knowledge-rich curriculum that moves "
    "from myths and Shakespeare in Year 7 to Carol Ann Duffy and J. B. Priestley at GCSE. Reading "
    "aloud is at the heart of every lesson, and the library's book clubs are busy every "
    "lunchtime.",
    "Physics": "Science is taught by specialists from Year 9, and physics has two well-equipped laboratories "
    "and its own technician. We would love someone who brings practical work to life and helps us "
    "grow the number of students who choose physics beyond GCSE.",
    "Chemistry": "The science faculty has eight laboratories, three experienced technicians and a shared "
    "curriculum built around the required practicals. Chemistry results are strong, and many of "
    "our students go on to study chemistry, medicine or pharmacy.",
    "Biology": "Biology is one of our most popular subjects, with fieldwork at a local nature reserve and a "
    "thriving eco-club. You will join a friendly science faculty that shares planning and "
    "resources generously.",
    "Science": "Our science curriculum revisits the big ideas of biology, chemistry and physics every year, "
    "taught in well-resourced laboratories with the help of two technicians.",
    "Geography": "Geography is thriving: around half of each year group chooses it at GCSE, fieldwork runs "
    "in every key stage and the department has just rewritten its curriculum around place, "
    "climate and development.",
    "History": "History is taught chronologically, from the Norman Conquest to the end of the Cold War, with "
    "a strong thread of local history, and the department runs a popular battlefields trip to "
    "Ypres.",
    "Psychology": "Psychology is one of our largest A level subjects, with three groups in each year and "
    "consistently strong results. You will teach the AQA specification alongside two "
    "experienced colleagues.",
    "Spanish": "Spanish is our main modern foreign language, taught from Year 7 by a team of four linguists "
    "and a language assistant. We run an exchange with a school in Valencia every spring.",
    "French": "French is taught to every student in key stage 3, with a strong emphasis on phonics, "
    "vocabulary and grammar built up step by step, and a long-standing exchange with a partner "
    "school in Normandy.",
    "German": "German is offered from Year 8 alongside French, and the department is proud of its annual "
    "visit to Cologne. Numbers choosing German at GCSE have doubled in three years.",
    "Computing": "Computing is taught to every student in key stage 3, with GCSE Computer Science for those "
    "who choose it. We have three refurbished computer suites and a popular coding club.",
    "Drama": "Drama has its own studio theatre and a busy calendar of productions, from a Year 7 showcase to "
    "the whole-school musical. GCSE Drama is popular and results are well above the national "
    "average.",
    "Music": "Music is a vibrant part of school life, with whole-class instrumental teaching, a choir of "
    "more than sixty and visiting teachers for strings, brass and guitar.",
    "Design and technology": "Design and technology has two refurbished workshops, a laser cutter and 3D "
    "printers, and students design and make products in timber, polymers and "
    "textiles.",
    "Religious education": "Religious education is a core subject here and every student takes the full "
    "GCSE. The department explores Christianity, Islam and Judaism alongside "
    "philosophy and ethics.",
    "Art and design": "Art and design has two large studios, a kiln and a print room, and students' work is "
    "shown every summer at a local gallery. Drawing from observation is at the heart of "
    "the curriculum.",
    "Physical education": "PE has an excellent reputation, with a new 3G pitch, a sports hall and a fitness "
    "suite. We play fixtures in football, netball, rugby, athletics and cricket, and "
    "offer GCSE PE.",
    "Business studies": "Business studies is a popular choice at GCSE, and every student runs an enterprise "
    "project with help from local employers.",
    "Sociology": "Sociology is a well-established A level subject with strong results, taught alongside "
    "psychology in our social sciences department.",
    "Politics": "Politics is a small but lively A level subject, with an annual visit to Parliament and a "
    "debating society that regularly reaches regional finals.",
    "Law": "A level Law is growing fast: students visit the Crown Court each year and take part in a "
    "national mock trial competition.",
    "Economics": "Economics attracts ambitious students, many of whom go on to read economics, finance or "
    "PPE at university.",
    "Media studies": "Media studies has its own editing suite, and students produce music videos, magazine "
    "covers and short films for their coursework.",
    "Dance": "Dance has a purpose-built studio with a sprung floor, and our GCSE dancers perform in the "
    "spring showcase and at local festivals.",
    "Food technology": "Food preparation and nutrition is taught in a newly refitted kitchen classroom with "
    "twelve cooking stations, and every student learns a repertoire of healthy dishes by "
    "the end of Year 9.",
    "Engineering": "Our engineering centre has industry-standard CNC machines, electrical and mechanical "
    "workshops and close links with regional manufacturers who offer placements to every "
    "student.",
    "Health and social care": "Health and social care students complete placements in nurseries, care homes "
    "and hospitals, and most go on to nursing, social work or early years courses "
    "and apprenticeships.",
}

PRIMARY_SUBJECT_LEADS: dict[str, str] = {
    "Music": "Music matters here: every child sings every day, learns an instrument in key stage 2 and "
    "performs at least twice a year. As music lead you would plan the curriculum, run the choir and "
    "work with the local music hub.",
    "Physical education": "As PE lead you would plan the curriculum, organise inter-school fixtures and make "
    "sure the PE and sport premium is well spent, working alongside a specialist coach "
    "two days a week.",
    "Computing": "As computing lead you would keep our curriculum up to date, lead online safety across the "
    "school and look after our class sets of laptops and programmable robots.",
    "Science": "As science lead you would build on our practical, enquiry-based curriculum, organise science "
    "week and help colleagues with the subject knowledge behind each unit.",
}

CLASS_YEARS: dict[str, str] = {
    "0": "Our Reception classes share a large outdoor area, and you will lead learning through a careful "
    "balance of direct teaching and purposeful play. Phonics is taught daily through a validated "
    "systematic synthetic phonics programme, and we invest heavily in early language.",
    "1": "Year 1 is where children become readers: you will teach daily phonics, prepare children for the "
    "phonics screening check and help them move from continuous provision to more formal learning.",
    "2": "In Year 2 you will consolidate early reading and number, help children discover reading for "
    "pleasure and build the independence they will need in key stage 2.",
    "3": "Year 3 is a big step into key stage 2: you will help children settle into longer lessons and more "
    "independent work, with a knowledge-rich curriculum built around high-quality class texts.",
    "4": "In Year 4 you will teach a knowledge-rich curriculum built around high-quality texts, and help "
    "children become fluent with their times tables ahead of the multiplication tables check.",
    "5": "Year 5 is a year of adventure, with a residential trip to an outdoor centre, whole-class "
    "instrumental lessons and a curriculum that stretches children in every subject.",
    "6": "In Year 6 you will prepare children for secondary school and the key stage 2 national tests, "
    "alongside a year team with a strong record of helping every child reach their potential.",
    "ks1": "You will teach a Year 1 or Year 2 class (to be agreed), with daily phonics, early reading and "
    "mathematics taught through a mastery approach.",
    "ks2": "You will teach a key stage 2 class (year group to be agreed) and follow a knowledge-rich "
    "curriculum built around high-quality texts.",
}

SPECIAL_CLASS = (
    "You will teach a class of eight pupils aged 7 to 11 with complex learning needs, many of "
    "whom are autistic, supported by two experienced teaching assistants. Communication, "
    "sensory regulation and independence are woven into every part of the day, alongside a "
    "carefully adapted curriculum."
)

TEACHER_PERSON = (
    "You will be a reflective, well-organised teacher with qualified teacher status, secure subject "
    "knowledge and the warmth and consistency that students respond to.",
    "We are looking for someone who believes every student can succeed, plans carefully, and enjoys being "
    "part of a team that shares its resources and its ideas.",
    "The right person will have qualified teacher status (or be on track to gain it this year), high "
    "expectations of every student and a good sense of humour.",
)
PRIMARY_PERSON = (
    "You will be a caring, enthusiastic class teacher with qualified teacher status and a secure "
    "understanding of how young children learn to read, write and calculate.",
    "We are looking for someone who loves teaching children to read, keeps a calm and purposeful classroom "
    "and works well alongside teaching assistants and parents.",
)
ECT_WELCOME = (
    "Early career teachers are very welcome: you would have a trained mentor, a reduced timetable (10% in "
    "your first year and 5% in your second) and the full Early Career Framework programme.",
    "This post is suitable for an early career teacher, who would have a weekly meeting with their mentor "
    "and protected time for induction.",
)
LEADER_PERSON = (
    "You will have a strong record of improving teaching and outcomes, the credibility to lead by example in "
    "the classroom and the judgement to bring colleagues with you.",
    "We are looking for a leader who is ambitious for every child, calm under pressure and generous with "
    "their time and expertise.",
)

TEACHING_OFFERS = (
    "a structured induction, a named mentor and regular coaching that starts from your own priorities",
    "shared, editable curriculum plans and resources, so your evenings go on teaching rather than rewriting "
    "schemes of work",
    "a feedback policy built on whole-class feedback, no graded lesson observations and three assessment "
    "points a year",
    "protected time each week for departments to plan together",
    "a calm, orderly school with a consistent behaviour policy, centrally run detentions and senior leaders "
    "who are visible around the building",
    "flexible working considered for every role, including part-time timetables and planning time at home",
    "fully funded National Professional Qualifications and a generous budget for subject training",
    "the Teachers' Pension Scheme, a cycle-to-work scheme and a confidential employee assistance programme",
)
PRIMARY_OFFERS = (
    "children who are curious, kind and proud of their school, and parents who are keen to help",
    "planning, preparation and assessment time taken together with your year group partner",
    "a teaching assistant in every class each morning, and a well-stocked library at the heart of the school",
    "staff meetings that are about teaching, with routine notices kept to email",
)
SECONDARY_OFFERS = (
    "students who are polite, curious and keen to do well, with an active student leadership team",
    "modern classrooms with visualisers, and a laptop for every member of staff",
    "a two-week timetable that keeps split classes to a minimum",
)
COLLEGE_OFFERS = (
    "35 days' annual leave plus bank holidays and a closure over Christmas",
    "the Teachers' Pension Scheme and free use of the college gym",
    "support to gain a teaching qualification if you do not already hold one",
    "paid time every year to keep your industry practice up to date",
)
LEADER_OFFERS = (
    "an ambitious, supportive board and a headteacher who will invest in your development as a leader",
    "a fully funded NPQ in senior leadership or headship, and an experienced coach from outside the school",
    "a senior team that takes its own wellbeing as seriously as everyone else's",
)
SUPPORT_OFFERS = (
    "the Local Government Pension Scheme, with a generous employer contribution",
    "paid training from your first week, including first aid and safeguarding",
    "a friendly staff room, free tea and coffee and a lively staff social calendar",
    "a cycle-to-work scheme and a confidential employee assistance programme",
    "the chance to gain qualifications, from Level 3 certificates to apprenticeships",
)
CENTRAL_OFFERS = (
    "hybrid working, with time in our schools each week and the rest at the central office or at home",
    "a choice of the Local Government Pension Scheme or the Teachers' Pension Scheme, depending on your "
    "background",
    "28 days' annual leave plus bank holidays, rising with service",
    "a leadership development programme run with the other trusts in our region",
)
TRUST_OFFERS = (
    "subject networks across the trust's schools, with time to plan alongside colleagues teaching the same "
    "topics",
    "a career path across several schools, from middle leadership to headship, without leaving the trust",
)
FAITH_OFFERS = {
    "Church of England": "a school where the Christian values of compassion, respect and service are lived "
    "out in daily worship and in the way we treat one another",
    "Roman Catholic": "a Catholic community where prayer, chaplaincy and service to others are part of every "
    "week; we welcome staff of all faiths and none who support our Catholic ethos",
}


# --- recipes -----------------------------------------------------------------------------------------------


@dataclass
class Draft:
    """What a recipe decides; the rest of the advert is filled in around it."""

    title: str
    job_roles: list[str]
    key_stages: list[str]
    paragraphs: list[str]
    pay: Pay
    kind: str  # teaching, leadership or support: decides start date, ECT status, person and offers
    subjects: list[str] = field(default_factory=list)
    working_patterns: list[str] = field(default_factory=lambda: ["full_time"])
    contract_type: str = "permanent"
    person: str | None = None
    ect_suitable: bool = False
    # Classroom posts may be advertised part time; leadership and middle-leadership posts stay full time.
    flexible: bool = False
    term_time: bool = False  # support roles paid for term time only
    part_time_hours: float | None = 25.0


@dataclass
class RecipeInput:
    org: DemoOrganisation
    opening: Opening
    rng: random.Random
    starts_on: dt.date | None
    school_key_stages: list[str]

    @property
    def start(self) -> str:
        return start_phrase(self.starts_on)


def _school_key_stages(org: DemoOrganisation) -> list[str]:
    """The key stages a school actually teaches (an 11 to 16 school has no key stage 5)."""
    if org.kind == "trust":
        return []
    stages = list(KEY_STAGES_BY_PHASE[org.phase or "primary"])
    if org.phase in ("secondary", "through") and not org.has_sixth_form:
        stages.remove("ks5")
    return stages


def _pupils(org: DemoOrganisation) -> str:
    return "children" if org.phase in ("nursery", "primary") else "students"


def _teacher(r: RecipeInput) -> Draft:
    subject, org, rng = r.opening.argument, r.org, r.rng
    s = in_prose(subject)
    if org.phase == "sixth_form_or_college":
        key_stages = ["ks5"]
        title = rng.choice([f"Teacher of A Level {in_title(subject)}", f"{in_title(subject)} Lecturer"])
        opening = (
            f"We are looking for a teacher of A level {s} to join us {r.start}, teaching students "
            f"aged 16 to 19 in groups of around twenty."
        )
    else:
        sixth_form_only = subject in {"Psychology", "Sociology", "Politics", "Law", "Economics"}
        if sixth_form_only and "ks5" in r.school_key_stages:
            key_stages = ["ks4", "ks5"] if subject in {"Psychology", "Sociology"} else ["ks5"]
        else:
            key_stages = [ks for ks in ("ks3", "ks4") if ks in r.school_key_stages]
            if "ks5" in r.school_key_stages and rng.random() < 0.6:
                key_stages.append("ks5")
        title = rng.choice([f"Teacher of {in_title(subject)}", f"{in_title(subject)} Teacher"])
        if subject == "Physics":
            title = rng.choice(["Teacher of Science (Physics specialist)", "Teacher of Physics"])
        opening = rng.choice(
            [
                f"We are looking for a teacher of {s} to join our department {r.start}.",
                f"We would like to appoint a well-qualified and enthusiastic {s} teacher, to start {r.start}.",
                f"An opportunity has arisen for a teacher of {s} to join us {r.start}.",
            ]
        )
        opening += (
            f" You will teach {s} across {describe_key_stages(key_stages)} and have your own tutor group."
        )
    subjects = [subject, "Science"] if subject in {"Physics", "Chemistry", "Biology"} else [subject]
    return Draft(
        title=title,
        job_roles=["teacher"],
        key_stages=key_stages,
        subjects=subjects,
        paragraphs=[opening, SUBJECT_DEPARTMENTS[subject]],
        pay=teacher_pay(org, rng),
        kind="teaching",
        ect_suitable=rng.random() < 0.85,
        flexible=True,
    )


def _lecturer(r: RecipeInput) -> Draft:
    subject, rng = r.opening.argument, r.rng
    s = in_prose(subject)
    if subject in {"Mathematics", "English"}:
        detail = (
            f"You will teach GCSE {s} to students aged 16 to 19 who did not reach grade 4 at school, "
            f"many of whom arrive anxious about the subject. Small groups, a shared scheme of work and "
            f"well-organised resources let you concentrate on rebuilding their confidence."
        )
    else:
        detail = SUBJECT_DEPARTMENTS[subject]
    opening = rng.choice(
        [
            f"We are looking for a lecturer in {s} to join our team {r.start}, teaching on our level 2 and level "
            f"3 study programmes, T levels and apprenticeships.",
            f"Do you want to share your expertise in {s} with the next generation? We need a lecturer to join us "
            f"{r.start}, teaching level 2 and level 3 programmes.",
        ]
    )
    return Draft(
        title=f"Lecturer in {in_title(subject)}",
        job_roles=["teacher"],
        key_stages=["ks5"],
        subjects=[subject],
        paragraphs=[opening, detail],
        pay=("£30,500 to £42,000 depending on qualifications and experience", 30_500, 42_000),
        kind="teaching",
        ect_suitable=rng.random() < 0.5,
        flexible=True,
        person="You will hold a degree or a level 3 qualification in your field with relevant "
        "industry experience; a teaching qualification is welcome but not essential, as we "
        "will support you to gain one.",
    )


def _curriculum_manager(r: RecipeInput) -> Draft:
    subject = r.opening.argument
    s = in_prose(subject)
    return Draft(
        title=f"Curriculum Manager: {in_title(subject)} and Digital",
        job_roles=["head_of_department_or_curriculum"],
        key_stages=["ks5"],
        subjects=[subject],
        paragraphs=[
            f"We are looking for a curriculum manager to lead our {s} and digital team of eight "
            f"lecturers {r.start}, responsible for level 1 to level 3 programmes, the T level in "
            f"digital production, design and development and our growing apprenticeship provision.",
            "You will shape a curriculum that meets the needs of local employers, lead quality "
            "improvement and make sure every student has a meaningful work placement.",
        ],
        pay=("£45,000 to £50,000", 45_000, 50_000),
        kind="leadership",
    )


def _class_teacher(r: RecipeInput) -> Draft:
    year, org, rng = r.opening.argument, r.org, r.rng
    special = org.type_name in SPECIAL_SCHOOL_TYPES
    key_stages = {"0": ["early_years"], "1": ["ks1"], "2": ["ks1"], "ks1": ["ks1"]}.get(year, ["ks2"])
    if special:
        title, label = "Class Teacher (Complex Learning Needs)", "key stage 2"
    elif year == "0":
        title, label = rng.choice(["Reception Class Teacher", "Reception Teacher"]), "Reception"
    elif year.startswith("ks"):
        title, label = f"Key Stage {year[2]} Class Teacher", f"key stage {year[2]}"
    else:
        title, label = rng.choice([f"Year {year} Class Teacher", f"Year {year} Teacher"]), f"Year {year}"
    opening = rng.choice(
        [
            f"We are looking for a {label} class teacher to join us {r.start}.",
            f"We would like to appoint an enthusiastic {label} teacher, to start {r.start}.",
        ]
    )
    pay = teacher_pay(org, rng, ("SEN allowance", SEN_ALLOWANCE) if special else None)
    return Draft(
        title=title,
        job_roles=["teacher"],
        key_stages=key_stages,
        paragraphs=[opening, SPECIAL_CLASS if special else CLASS_YEARS[year]],
        pay=pay,
        kind="teaching",
        person=r.rng.choice(PRIMARY_PERSON),
        ect_suitable=rng.random() < (0.5 if special else 0.85),
        flexible=True,
    )


def _subject_leader(r: RecipeInput) -> Draft:
    subject, rng = r.opening.argument, r.rng
    short = in_title(subject)
    title = rng.choice([f"Class Teacher with {short} Leadership", f"KS2 Class Teacher and {short} Lead"])
    opening = (
        f"We are looking for a key stage 2 class teacher who can also lead {in_prose(subject)} across "
        f"the school, to join us {r.start}. You will have your own class and a day each half term to "
        f"develop the subject."
    )
    return Draft(
        title=title,
        job_roles=["teacher", "head_of_department_or_curriculum"],
        key_stages=["ks1", "ks2"],
        subjects=[subject],
        paragraphs=[opening, PRIMARY_SUBJECT_LEADS[subject]],
        pay=teacher_pay(r.org, rng, ("TLR 2a", TLR["TLR 2a"])),
        kind="teaching",
        person=rng.choice(PRIMARY_PERSON),
    )


def _eyfs_leader(r: RecipeInput) -> Draft:
    return Draft(
        title="Early Years Foundation Stage Leader",
        job_roles=["head_of_year_or_phase"],
        key_stages=["early_years"],
        paragraphs=[
            f"We are looking for an early years leader to join us {r.start} and lead our Nursery and "
            f"Reception team. You will teach in Reception four days a week and have a day for "
            f"leadership.",
            "You will lead a team of two teachers and four early years practitioners, keep our "
            "provision indoors and out rich and purposeful, and make sure every child leaves "
            "Reception ready for Year 1, with a particular focus on early language and phonics.",
        ],
        pay=teacher_pay(r.org, r.rng, ("TLR 2b", TLR["TLR 2b"])),
        kind="teaching",
        person=r.rng.choice(PRIMARY_PERSON),
    )


def _nursery_teacher(r: RecipeInput) -> Draft:
    return Draft(
        title="Nursery Teacher",
        job_roles=["teacher"],
        key_stages=["early_years"],
        paragraphs=[
            f"We are looking for a qualified teacher to join us {r.start} and lead one of our "
            f"nursery rooms for three- and four-year-olds, working with a team of three early years "
            f"practitioners.",
            "You will plan a curriculum that builds children's language, play and independence, lead "
            "key person work with families and help us prepare children for a confident start in "
            "Reception.",
        ],
        pay=teacher_pay(r.org, r.rng),
        kind="teaching",
        person=r.rng.choice(PRIMARY_PERSON),
        ect_suitable=True,
        flexible=True,
    )


def _head_of_department(r: RecipeInput) -> Draft:
    subject, org, rng = r.opening.argument, r.org, r.rng
    s = in_prose(subject)
    top = "A level" if org.has_sixth_form else "GCSE"
    title = rng.choice(
        [
            f"Head of {in_title(subject)}",
            f"Curriculum Leader: {in_title(subject)}",
            f"Subject Leader for {in_title(subject)}",
        ]
    )
    opening = (
        f"We are looking for a head of {s} to join us {r.start} and lead a team of "
        f"{rng.randint(4, 9)} specialist teachers. You will own the {s} curriculum from Year 7 to "
        f"{top}, line-manage colleagues, use assessment to target support where it is needed and "
        f"report to the assistant headteacher for curriculum."
    )
    return Draft(
        title=title,
        job_roles=["head_of_department_or_curriculum"],
        key_stages=[ks for ks in ("ks3", "ks4", "ks5") if ks in r.school_key_stages],
        subjects=[subject],
        paragraphs=[opening, SUBJECT_DEPARTMENTS[subject]],
        pay=teacher_pay(org, rng, rng.choice([("TLR 1b", TLR["TLR 1b"]), ("TLR 1c", TLR["TLR 1c"])])),
        kind="teaching",
        person=rng.choice(LEADER_PERSON),
    )


_YEAR_GROUP_FOCUS = {
    "7": "You will lead the move from primary school, visiting our feeder schools in the summer term and "
    "settling the new year group in September.",
    "9": "Year 9 is when students choose their GCSE options, and you will guide them and their families "
    "through that decision.",
    "11": "You will guide students through their GCSE year, from mock examinations to results day and their "
    "next steps in education, training or an apprenticeship.",
}


def _head_of_year(r: RecipeInput) -> Draft:
    year, rng = r.opening.argument, r.rng
    opening = (
        f"We are looking for a head of Year {year} to join us {r.start}, leading a team of "
        f"{rng.randint(7, 9)} form tutors and taking take responsibility for the attendance, "
        f"behaviour, wellbeing and progress of around {rng.choice([210, 240, 270])} students. You "
        f"will teach a reduced timetable in your own subject and work closely with families, our "
        f"safeguarding team and the SENCO."
    )
    return Draft(
        title=f"Head of Year {year}",
        job_roles=["head_of_year_or_phase"],
        key_stages=["ks3"] if int(year) <= 9 else ["ks4"],
        paragraphs=[opening, _YEAR_GROUP_FOCUS.get(year, "")],
        pay=teacher_pay(r.org, rng, ("TLR 2c", TLR["TLR 2c"])),
        kind="teaching",
        person=rng.choice(LEADER_PERSON),
    )


def _head_of_sixth_form(r: RecipeInput) -> Draft:
    return Draft(
        title="Head of Sixth Form",
        job_roles=["head_of_year_or_phase"],
        key_stages=["ks5"],
        paragraphs=[
            f"We are looking for a head of sixth form to join us {r.start} and lead a sixth form of "
            "around 240 students, overseeing their progress, attendance and wellbeing.",
            "You will lead our university and apprenticeship guidance, including UCAS applications "
            "and Oxbridge preparation, manage a team of sixth form tutors and a sixth form "
            "administrator, and teach a reduced timetable in your own subject.",
        ],
        pay=teacher_pay(r.org, r.rng, ("TLR 1c", TLR["TLR 1c"])),
        kind="teaching",
        person=r.rng.choice(LEADER_PERSON),
    )


def _senco(r: RecipeInput) -> Draft:
    org, rng = r.org, r.rng
    primary = org.phase in ("primary", "nursery")
    register = rng.randint(45, 70) if primary else rng.randint(140, 220)
    plans = register // 6
    opening = (
        f"We are looking for a special educational needs coordinator to join us {r.start} and lead "
        f"our provision for the {register} {_pupils(org)} on our SEND register, {plans} of whom have "
        f"education, health and care plans. You will manage a team of teaching assistants, work "
        f"closely with families, therapists and the local authority, and "
        f"{'teach for two days a week' if primary else 'teach a small timetable'}."
    )
    return Draft(
        title=rng.choice(["SENCO", "Special Educational Needs Coordinator (SENCO)", "SENDCo"]),
        job_roles=["sendco"],
        key_stages=[ks for ks in r.school_key_stages if ks != "early_years" or primary],
        paragraphs=[
            opening,
            "You will hold the National Professional Qualification for SENCOs (or "
            "the former National Award for SEN Co-ordination), or be willing to "
            "complete it within three years of appointment.",
        ],
        pay=teacher_pay(org, rng, ("SEN allowance and TLR 2b", SEN_ALLOWANCE + TLR["TLR 2b"])),
        kind="leadership",
        person=rng.choice(LEADER_PERSON),
    )


_LEADERSHIP_FOCUS = {
    "Behaviour and attendance": "You will lead our behaviour policy and attendance strategy, working with "
    "heads of year, the attendance officer and families to keep every student in "
    "school and learning.",
    "Teaching and learning": "You will lead our professional development programme, instructional coaching "
    "and the induction of early career teachers.",
}


def _assistant_headteacher(r: RecipeInput) -> Draft:
    focus, org, rng = r.opening.argument, r.org, r.rng
    label = "Assistant Principal" if org.type_group == "Academies" else "Assistant Headteacher"
    opening = (
        f"We are looking for an assistant headteacher to join us {r.start} and lead {focus.lower()} "
        f"across the school, joining a senior leadership team of {rng.randint(6, 9)}. You will teach "
        f"around half a timetable in your own subject, line-manage two departments and take your "
        f"share of senior duties."
    )
    return Draft(
        title=f"{label}: {in_title(focus)}",
        job_roles=["assistant_headteacher"],
        key_stages=[ks for ks in ("ks3", "ks4", "ks5") if ks in r.school_key_stages],
        paragraphs=[opening, _LEADERSHIP_FOCUS[focus]],
        pay=leadership_pay(org, 12, 16),
        kind="leadership",
        person=rng.choice(LEADER_PERSON),
    )


def _deputy_headteacher(r: RecipeInput) -> Draft:
    org, rng = r.org, r.rng
    primary = org.phase == "primary"
    if primary:
        detail = (
            "You will teach for two days a week, lead our curriculum and assessment, and act as deputy "
            "designated safeguarding lead."
        )
        pay = leadership_pay(org, 8, 12)
    else:
        detail = (
            "You will lead the curriculum and timetable, line-manage heads of faculty and our sixth "
            "form, and act as deputy designated safeguarding lead, teaching around a third of a "
            "timetable."
        )
        pay = leadership_pay(org, 18, 22)
    opening = (
        f"We are looking for a deputy headteacher to join us {r.start}, working alongside the "
        f"headteacher in every aspect of school leadership and leading the school in their absence."
    )
    return Draft(
        title=rng.choice(["Deputy Headteacher", "Deputy Head"]),
        job_roles=["deputy_headteacher"],
        key_stages=list(r.school_key_stages),
        paragraphs=[opening, detail],
        pay=pay,
        kind="leadership",
        person=rng.choice(LEADER_PERSON),
    )


def _headteacher(r: RecipeInput) -> Draft:
    org, rng = r.org, r.rng
    board = "The trust board and local governing committee" if org.trust_uid else "The governing board"
    faith = org.religious_character in FAITH_OFFERS
    paragraphs = [
        f"{board} of {org.name} are looking for a headteacher to lead the school {r.start}, following the "
        f"retirement of our headteacher of eleven years.",
        "You will inherit a happy, successful school with a stable and talented staff, a strong curriculum "
        "and a loyal community, and lead it through its next chapter.",
    ]
    if faith:
        paragraphs.append(
            "You will be committed to sustaining and developing the school's Christian "
            "distinctiveness, working closely with the diocese and the parish."
        )
    return Draft(
        title="Headteacher",
        job_roles=["headteacher"],
        key_stages=list(r.school_key_stages),
        paragraphs=paragraphs,
        pay=leadership_pay(org, 14, 20),
        kind="leadership",
        person=rng.choice(LEADER_PERSON),
    )


def _director_of_education(r: RecipeInput) -> Draft:
    return Draft(
        title="Director of Education",
        job_roles=["other_leadership"],
        key_stages=[],
        paragraphs=[
            f"We are looking for a director of education to join us {r.start} and lead school "
            "improvement across the trust, reporting to the chief executive.",
            "You will line-manage headteachers, lead the trust's curriculum, assessment and "
            "professional development work, and make sure the support each school receives matches "
            "what it needs.",
        ],
        pay=("£95,000 to £105,000", 95_000, 105_000),
        kind="leadership",
        person="You will be a successful headteacher or senior trust leader with a record of improving "
        "schools in more than one phase.",
    )


def _lead_practitioner(r: RecipeInput) -> Draft:
    subject = r.opening.argument
    s = in_prose(subject)
    return Draft(
        title=f"Trust Lead Practitioner for {in_title(subject)}",
        job_roles=["other_leadership"],
        key_stages=["ks2", "ks3", "ks4"],
        subjects=[subject],
        paragraphs=[
            f"We are looking for an outstanding teacher of {s} to lead the subject across our "
            f"primary and secondary academies, {r.start}.",
            f"You will teach half a timetable in one of our secondary academies and spend the rest "
            f"of the week coaching teachers, leading our {s} network and smoothing the move from "
            f"Year 6 to Year 7.",
            SUBJECT_DEPARTMENTS[subject],
        ],
        pay=("£55,000 to £62,000 (leading practitioner range)", 55_000, 62_000),
        kind="teaching",
        person=r.rng.choice(LEADER_PERSON),
    )


@dataclass(frozen=True)
class SupportRole:
    """A support or central role: fixed text, pay and hours, with a choice of title."""

    titles: tuple[str, ...]
    job_role: str
    grade: str
    low: int | None
    high: int | None
    patterns: tuple[str, ...]
    paragraph: str
    person: str
    term_time: bool = False
    key_stages: str = "none"  # none, school or primary_classes
    part_time_hours: float | None = 25.0  # a week, when advertised part time only
    contract: str = "permanent"


SUPPORT_ROLES: dict[str, SupportRole] = {
    "teaching_assistant": SupportRole(
        ("Teaching Assistant", "Teaching Assistant (Key Stage 1)", "Class Teaching Assistant"),
        "teaching_assistant",
        "NJC grade 3",
        24_796,
        25_185,
        ("part_time",),
        "We are looking for a teaching assistant to work in class for 30 hours a week, term time only, "
        "supporting small groups with reading, phonics and mathematics and helping the class teacher keep "
        "learning on track.",
        "No previous school experience is needed as full training is given; what matters most is patience, "
        "reliability and a genuine interest in helping children learn.",
        term_time=True,
        key_stages="primary_classes",
        part_time_hours=30.0,
    ),
    "send_teaching_assistant": SupportRole(
        ("SEND Teaching Assistant", "Teaching Assistant (one-to-one support)"),
        "teaching_assistant",
        "NJC grade 4",
        25_583,
        25_989,
        ("full_time", "part_time"),
        "We are looking for a teaching assistant to support pupils with special educational needs, including "
        "one-to-one support for a pupil with an education, health and care plan, following strategies set by "
        "the class teacher, the SENCO and visiting therapists.",
        "Experience of supporting children with autism or communication needs would be helpful, but warmth, "
        "calmness and consistency matter most.",
        term_time=True,
        key_stages="school",
    ),
    "hlta": SupportRole(
        ("Higher Level Teaching Assistant (HLTA)", "HLTA"),
        "higher_level_teaching_assistant",
        "NJC grade 6",
        28_598,
        31_022,
        ("full_time",),
        "We are looking for a higher level teaching assistant to cover classes during teachers' planning "
        "time, lead interventions in reading and mathematics, and support the teaching of a mixed-ability "
        "class.",
        "You will hold HLTA status, or be ready to gain it within a year, and have experience of leading "
        "learning for a whole class.",
        term_time=True,
        key_stages="school",
    ),
    "cover_supervisor": SupportRole(
        ("Cover Supervisor",),
        "education_support",
        "NJC grade 5",
        26_403,
        28_142,
        ("full_time",),
        "We are looking for a cover supervisor to supervise classes when teachers are absent, delivering "
        "work set by the class teacher, keeping lessons calm and purposeful and reporting back on what was "
        "completed.",
        "You will be confident managing groups of young people and be able to build quick, positive "
        "relationships with them; this is an excellent first step for anyone considering teacher training.",
        term_time=True,
        key_stages="school",
    ),
    "learning_support_assistant": SupportRole(
        ("Learning Support Assistant", "Learning Support Practitioner"),
        "education_support",
        "Learning support grade",
        24_000,
        25_500,
        ("full_time", "part_time"),
        "We are looking for a learning support assistant to help students with special educational needs and "
        "disabilities succeed on their courses, in class, in workshops and in small-group sessions.",
        "You will be patient and encouraging, with good English and mathematics and the confidence to work "
        "alongside teachers in a busy classroom.",
        term_time=True,
        key_stages="school",
    ),
    "early_years_practitioner": SupportRole(
        ("Early Years Practitioner (Level 3)", "Nursery Practitioner"),
        "teaching_assistant",
        "NJC grade 4",
        24_796,
        25_583,
        ("full_time", "part_time"),
        "We are looking for a Level 3 qualified early years practitioner to be a key person for a small "
        "group of children, plan play and learning with the nursery teacher, and build warm relationships "
        "with families.",
        "You will hold a full and relevant Level 3 early years qualification and a paediatric first aid "
        "certificate (or be willing to gain one).",
        term_time=True,
        key_stages="school",
    ),
    "school_business_manager": SupportRole(
        ("School Business Manager",),
        "administration_hr_data_and_finance",
        "NJC grade 9",
        41_511,
        45_091,
        ("full_time",),
        "We are looking for a school business manager to lead our finance, HR, premises and office team, "
        "setting and monitoring the budget with the headteacher and governors and making sure the school "
        "runs smoothly.",
        "You will have experience of managing budgets and people, ideally in a school, and hold or be "
        "working towards a school business management qualification.",
    ),
    "finance_officer": SupportRole(
        ("Finance Officer",),
        "administration_hr_data_and_finance",
        "NJC grade 6",
        30_024,
        32_061,
        ("full_time",),
        "We are looking for a finance officer to process invoices and orders, reconcile the bank accounts, "
        "manage school trips and lettings income and help prepare monthly reports for the trust.",
        "You will be accurate, organised and comfortable with finance software and Excel; an AAT "
        "qualification would be an advantage.",
    ),
    "school_administrator": SupportRole(
        ("School Administrator", "Office and Admissions Administrator", "Receptionist and Administrator"),
        "administration_hr_data_and_finance",
        "NJC grade 4",
        25_185,
        25_989,
        ("part_time",),
        "We are looking for a friendly, organised administrator to be the first face visitors see, answer "
        "calls and emails from parents, manage attendance records and admissions, and support the "
        "headteacher.",
        "You will have good IT skills, a calm manner and the discretion to handle sensitive information.",
        term_time=True,
    ),
    "exams_officer": SupportRole(
        ("Data and Examinations Officer", "Exams Officer"),
        "administration_hr_data_and_finance",
        "NJC grade 6",
        29_064,
        31_022,
        ("full_time",),
        "We are looking for an examinations officer to run our GCSE entries and exam series, recruit and "
        "train invigilators, manage access arrangements and produce the assessment data that teachers and "
        "leaders use.",
        "You will be meticulous, able to work to fixed deadlines and confident with spreadsheets and our "
        "management information system.",
    ),
    "hr_advisor": SupportRole(
        ("HR Advisor", "People Advisor"),
        "administration_hr_data_and_finance",
        "NJC grade 8",
        33_699,
        37_280,
        ("full_time", "part_time"),
        "We are looking for an HR advisor to support headteachers across the trust with recruitment, "
        "contracts, absence and casework, and to help run safer recruitment checks for every new member of "
        "staff.",
        "You will hold or be working towards a CIPD qualification and have experience of employee relations, "
        "ideally in education.",
    ),
    "trust_finance_manager": SupportRole(
        ("Trust Finance Manager",),
        "administration_hr_data_and_finance",
        "Central grade 11",
        48_000,
        54_000,
        ("full_time",),
        "We are looking for a finance manager to lead the trust's monthly management accounts, year-end "
        "accounts and budget planning, and to support school business managers across the trust.",
        "You will be a qualified or part-qualified accountant (ACCA, CIMA or ACA) with experience of academy "
        "or public sector finance.",
    ),
    "site_manager": SupportRole(
        ("Site Manager", "Premises Manager"),
        "catering_cleaning_and_site_management",
        "NJC grade 6",
        30_024,
        33_699,
        ("full_time",),
        "We are looking for a site manager to keep our buildings and grounds safe, secure and well "
        "maintained, manage contractors and the cleaning team and carry out routine repairs and health and "
        "safety checks.",
        "You will be practical and well organised, with experience of building maintenance and a good "
        "knowledge of health and safety.",
    ),
    "cleaner": SupportRole(
        ("Cleaner", "Cleaner (evenings)"),
        "catering_cleaning_and_site_management",
        HOURLY_RATE,
        None,
        None,
        ("part_time",),
        "We are looking for a cleaner to join our friendly team for 15 hours a week, from 3.30pm to 6.30pm "
        "Monday to Friday, keeping classrooms, corridors and toilets clean and welcoming.",
        "No experience is needed, as full training and equipment are provided.",
        part_time_hours=15.0,
    ),
    "kitchen_assistant": SupportRole(
        ("Kitchen Assistant", "Catering Assistant"),
        "catering_cleaning_and_site_management",
        HOURLY_RATE,
        None,
        None,
        ("part_time",),
        "We are looking for a kitchen assistant to help prepare and serve freshly cooked lunches for around "
        "400 children, for 15 hours a week between 10.30am and 1.30pm.",
        "You will enjoy working as part of a busy team; a food hygiene certificate is helpful but "
        "training is given.",
        term_time=True,
        part_time_hours=15.0,
    ),
    "estates_manager": SupportRole(
        ("Estates and Compliance Manager",),
        "catering_cleaning_and_site_management",
        "Central grade 10",
        45_000,
        50_000,
        ("full_time",),
        "We are looking for an estates and compliance manager to lead the trust's building projects, "
        "statutory compliance and capital bids, working with site teams in every school.",
        "You will have a building, surveying or facilities management background and a good working "
        "knowledge of compliance in schools or other public buildings.",
    ),
    "it_technician": SupportRole(
        ("IT Technician", "IT Support Technician"),
        "it_support",
        "NJC grade 5",
        26_824,
        29_064,
        ("full_time",),
        "We are looking for an IT technician to support staff and students with laptops, classroom displays, "
        "printers and accounts, and to help keep our network and Microsoft 365 environment secure.",
        "You will have practical IT support experience, patience with users and a methodical approach to "
        "fixing problems.",
    ),
    "network_manager": SupportRole(
        ("Network Manager",),
        "it_support",
        "NJC grade 9",
        38_000,
        43_500,
        ("full_time",),
        "We are looking for a network manager to lead our IT team, manage our servers, wireless network and "
        "cloud services, and plan the replacement of classroom technology.",
        "You will have experience of managing Windows networks and Microsoft 365, ideally in a school, and a "
        "good understanding of cyber security.",
    ),
    "service_desk_analyst": SupportRole(
        ("IT Service Desk Analyst",),
        "it_support",
        "Central grade 6",
        28_598,
        31_022,
        ("full_time",),
        "We are looking for a service desk analyst to resolve IT requests from staff across the trust, by "
        "phone, remotely and in person, and to help roll out new devices.",
        "You will have first-line IT support experience and the ability to explain technical problems in "
        "plain English.",
    ),
    "pastoral_manager": SupportRole(
        ("Pastoral Manager", "Pastoral Manager (Key Stage 4)"),
        "pastoral_health_and_welfare",
        "NJC grade 6",
        29_064,
        32_061,
        ("full_time",),
        "We are looking for a pastoral manager to work alongside a head of year, supporting students' "
        "behaviour, attendance and wellbeing, following up concerns with families and coordinating support "
        "from outside agencies.",
        "You will have experience of working with young people, good judgement and the resilience to handle "
        "difficult conversations calmly.",
        term_time=True,
        key_stages="school",
    ),
    "attendance_officer": SupportRole(
        ("Attendance Officer",),
        "pastoral_health_and_welfare",
        "NJC grade 5",
        26_403,
        28_142,
        ("full_time",),
        "We are looking for an attendance officer to track attendance every day, contact families when "
        "students are absent, carry out home visits and work with the local authority on persistent absence.",
        "You will be persistent, tactful and well organised, with good IT skills.",
        term_time=True,
    ),
    "family_support_worker": SupportRole(
        ("Family Support Worker",),
        "pastoral_health_and_welfare",
        "NJC grade 6",
        29_064,
        31_022,
        ("full_time", "part_time"),
        "We are looking for a family support worker to help families with attendance, routines, housing and "
        "benefits, run parenting groups and coordinate early help with social care and health colleagues.",
        "You will have experience of family support or social care and a warm, non-judgemental approach.",
        term_time=True,
    ),
    "student_welfare_officer": SupportRole(
        ("Student Welfare Officer",),
        "pastoral_health_and_welfare",
        "College grade 5",
        27_500,
        30_000,
        ("full_time",),
        "We are looking for a student welfare officer to support students facing difficulties with mental "
        "health, finances, housing or attendance, and to help them stay on their course.",
        "You will have experience of supporting young people, good knowledge of safeguarding and the ability "
        "to stay calm in a crisis.",
    ),
    "science_technician": SupportRole(
        ("Science Technician",),
        "other_support",
        "NJC grade 4",
        25_583,
        26_824,
        ("full_time", "part_time"),
        "We are looking for a science technician to prepare practical work for biology, chemistry and "
        "physics lessons, look after our laboratories and stores and help run the required practicals "
        "safely.",
        "You will have a science qualification (A level or above) and a careful, organised approach to "
        "health and safety.",
        term_time=True,
    ),
    "librarian": SupportRole(
        ("School Librarian", "Library and Learning Resources Manager"),
        "other_support",
        "NJC grade 5",
        26_824,
        28_142,
        ("part_time",),
        "We are looking for a librarian to run our busy library for 25 hours a week, promote reading for "
        "pleasure, run book clubs and support research skills in the sixth form.",
        "You will love books and young people in equal measure; a library qualification is welcome but not "
        "essential.",
        term_time=True,
    ),
    "invigilator": SupportRole(
        ("Exam Invigilator",),
        "other_support",
        HOURLY_RATE,
        None,
        None,
        ("part_time",),
        "We are looking for exam invigilators to supervise students during our January, March and summer "
        "exam series, following the Joint Council for Qualifications rules.",
        "You will be reliable, observant and calm; full training is provided and hours vary with the exam "
        "timetable.",
        contract="casual",
        part_time_hours=None,  # they vary with the exam timetable
    ),
}


TEACHING_RECIPES = {
    "teacher": _teacher,
    "lecturer": _lecturer,
    "curriculum_manager": _curriculum_manager,
    "class_teacher": _class_teacher,
    "subject_leader": _subject_leader,
    "eyfs_leader": _eyfs_leader,
    "nursery_teacher": _nursery_teacher,
    "head_of_department": _head_of_department,
    "head_of_year": _head_of_year,
    "head_of_sixth_form": _head_of_sixth_form,
    "senco": _senco,
    "assistant_headteacher": _assistant_headteacher,
    "deputy_headteacher": _deputy_headteacher,
    "headteacher": _headteacher,
    "director_of_education": _director_of_education,
    "lead_practitioner": _lead_practitioner,
}
LEADER_START_RECIPES = frozenset({"headteacher", "deputy_headteacher", "director_of_education"})


def _support(r: RecipeInput) -> Draft:
    role = SUPPORT_ROLES[r.opening.recipe]
    key_stages: list[str] = []
    if role.key_stages == "school":
        key_stages = list(r.school_key_stages)
    elif role.key_stages == "primary_classes":
        key_stages = [ks for ks in r.school_key_stages if ks in ("ks1", "ks2")]
    # A role offered full or part time is sometimes advertised as full time only.
    offers_both = len(role.patterns) == 1 or r.rng.random() < 0.5
    patterns = sorted(role.patterns) if offers_both else [role.patterns[0]]
    return Draft(
        title=r.rng.choice(role.titles),
        job_roles=[role.job_role],
        key_stages=key_stages,
        paragraphs=[f"{role.paragraph} The post starts {r.start}."],
        pay=support_pay(r.org, role.grade, role.low, role.high, term_time=role.term_time),
        kind="support",
        working_patterns=patterns,
        contract_type=role.contract,
        person=role.person,
        term_time=role.term_time,
        part_time_hours=role.part_time_hours,
    )


def recipe_kind(recipe: str) -> str:
    if recipe in SUPPORT_ROLES:
        return "support"
    if recipe not in TEACHING_RECIPES:
        raise ValueError(f"no advert recipe called {recipe!r}")
    return "leader_start" if recipe in LEADER_START_RECIPES else "teaching"


def starts_on_for(recipe: str, closes_on: dt.date, rng: random.Random) -> dt.date | None:
    """When the new member of staff would start: a term date for teachers, a few weeks on for support."""
    kind = recipe_kind(recipe)
    if kind == "leader_start":
        return leader_start(closes_on)
    if kind == "teaching":
        # Many schools recruit early for September; the rest want someone as soon as notice allows.
        return leader_start(closes_on) if rng.random() < 0.35 else teaching_start(closes_on)
    if rng.random() < 0.3:
        return None  # "as soon as possible"
    return _first_weekday_from(closes_on + dt.timedelta(days=rng.randint(21, 42)))


# --- assembling an advert ----------------------------------------------------------------------------------


def _pattern_sentence(
    draft: Draft, job_share: bool, rng: random.Random
) -> tuple[list[str], str | None, float | None]:
    """Teaching posts are mostly full time; some are part time (with their FTE) or open to a job share."""
    if draft.kind == "support":
        return draft.working_patterns, None, None
    if not draft.flexible:
        return ["full_time"], None, None
    if job_share:
        return (
            ["full_time"],
            (
                "We would welcome applications from two teachers who would like to share this "
                "post, for example Monday to Wednesday and Wednesday to Friday."
            ),
            None,
        )
    roll = rng.random()
    if roll < 0.1:
        fte = rng.choice(["0.6", "0.8", "0.4"])
        days = {"0.4": "two", "0.6": "three", "0.8": "four"}[fte]
        sentence = f"This is a part-time post of {fte} FTE ({days} days a week); we will agree the days."
        return ["part_time"], sentence, float(fte)
    if roll < 0.15:
        return (
            ["full_time", "part_time"],
            "We will consider full-time or part-time applicants for this post.",
            None,
        )
    return ["full_time"], None, None


# A full-time support role's week, and the share of a full-time year's pay a term-time-only post is paid
# (39 weeks of term and its holiday entitlement: about 44.6 paid weeks of 52.14, as many councils work it).
SUPPORT_FULL_TIME_HOURS = 37.0
TERM_TIME_SHARE = 0.8545


def _hours_and_pay(draft: Draft, patterns: list[str], fte: float | None) -> dict:
    """The advert's hours, FTE, term time and the pay figures a school gives for them."""
    salary, minimum = draft.pay[0], draft.pay[1]
    if draft.kind != "support":
        return {"fte": fte}
    full_time = "full_time" in patterns
    hours = SUPPORT_FULL_TIME_HOURS if full_time else draft.part_time_hours
    share = round(hours / SUPPORT_FULL_TIME_HOURS, 2) if hours is not None else None
    values: dict = {
        "hours_per_week": hours,
        "fte": None if full_time else share,
        "term_time_only": draft.term_time,
    }
    hourly = _HOURLY.search(salary)
    if hourly is not None:
        values["hourly_rate_pence"] = int(hourly.group(1)) * 100 + int(hourly.group(2))
    elif minimum is not None:
        # NJC hourly rates are the full-time yearly pay over 52.14 weeks of 37 hours.
        values["hourly_rate_pence"] = round(minimum * 7 / 365 / SUPPORT_FULL_TIME_HOURS * 100)
        if share is not None and (draft.term_time or not full_time):
            values["actual_salary"] = round(minimum * share * (TERM_TIME_SHARE if draft.term_time else 1))
    return values


_HOURLY = re.compile(r"£(\d+)\.(\d\d) an hour")


def _contract(
    draft: Draft, opening: Opening, starts_on: dt.date, rng: random.Random
) -> tuple[str, str | None, bool, str | None]:
    """(contract type, fixed-term length, parental leave cover, sentence for the advert)."""
    if draft.contract_type == "casual":
        return "casual", None, False, None
    if "cover" in opening.flags:
        length = rng.choice([end_of_academic_year(starts_on), "Two terms"])
        return (
            "fixed_term",
            length,
            True,
            (
                "This is a fixed-term post to cover a colleague's parental leave, with the possibility of "
                "further work with us afterwards."
            ),
        )
    if rng.random() < 0.12:
        length = rng.choice(["One year", end_of_academic_year(starts_on)])
        duration = f"until {length[6:]}" if length.startswith("Until ") else f"for {length.lower()}"
        return "fixed_term", length, False, f"This is a fixed-term post {duration}."
    return "permanent", None, False, None


def _offers(org: DemoOrganisation, draft: Draft, rng: random.Random) -> str:
    if org.kind == "trust":
        pool = CENTRAL_OFFERS
    elif draft.kind == "support":
        pool = SUPPORT_OFFERS
    elif org.phase == "sixth_form_or_college":
        pool = COLLEGE_OFFERS + TEACHING_OFFERS[:2]
    elif org.phase in ("primary", "nursery"):
        pool = TEACHING_OFFERS + PRIMARY_OFFERS
    else:
        pool = TEACHING_OFFERS + SECONDARY_OFFERS
    offers = rng.sample(pool, 3)
    if draft.kind == "leadership" and org.kind == "school":
        offers[0] = rng.choice(LEADER_OFFERS)
    if org.trust_uid and draft.kind != "support":
        offers.append(rng.choice(TRUST_OFFERS))
    if org.religious_character in FAITH_OFFERS:
        offers.append(FAITH_OFFERS[org.religious_character])
    bullets = "\n".join(f"- {offer}" for offer in offers)
    return f"We offer:\n\n{bullets}\n\n{org.setting}"


def _safeguarding(org: DemoOrganisation) -> str:
    college = org.phase == "sixth_form_or_college"
    who = "children, young people and vulnerable adults" if college else "children and young people"
    subject = "The trust" if org.kind == "trust" else org.name
    return (
        f"{subject} is committed to safeguarding and promoting the welfare of {who} and expects all "
        f"staff to share this commitment. This post is subject to an enhanced DBS check, satisfactory "
        f"references and the other checks set out in Keeping Children Safe in Education."
    )


def _slug(text: str) -> str:
    return "-".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def _how_to_apply(
    org: DemoOrganisation, title: str, rng: random.Random, marketplace_only: bool
) -> tuple[str, str | None, str | None]:
    roll = 0.0 if marketplace_only else rng.random()
    if roll < 0.78:
        return "marketplace", None, None
    if roll < 0.9:
        return "website", f"{org.website}/vacancies/{_slug(title)}", None
    return "email", None, f"recruitment@{org.domain}"


def write_advert(
    org: DemoOrganisation,
    opening: Opening,
    closes_on: dt.date,
    rng: random.Random,
    *,
    marketplace_only: bool = False,
) -> Advert:
    """Write one advert for `opening` at `org`, closing on `closes_on`."""
    starts_on = starts_on_for(opening.recipe, closes_on, rng)
    recipe_input = RecipeInput(
        org=org, opening=opening, rng=rng, starts_on=starts_on, school_key_stages=_school_key_stages(org)
    )
    recipe = TEACHING_RECIPES.get(opening.recipe, _support)
    draft = recipe(recipe_input)
    job_share = "jobshare" in opening.flags
    patterns, pattern_sentence, fte = _pattern_sentence(draft, job_share, rng)
    contract_type, length, parental_cover, contract_sentence = _contract(
        draft, opening, starts_on or closes_on, rng
    )
    ect_suitable = draft.kind == "teaching" and draft.ect_suitable
    visa = "visa" in opening.flags

    person = draft.person or rng.choice(TEACHER_PERSON)
    if ect_suitable:
        person = f"{person} {rng.choice(ECT_WELCOME)}"
    terms = " ".join(s for s in (pattern_sentence, contract_sentence) if s)
    if visa:
        terms = (terms + " " if terms else "") + (
            "We can sponsor a Skilled Worker visa for the right candidate and will help with relocation."
        )
    intro = f"{org.name} is {org.profile}."
    paragraphs = [f"{intro} {draft.paragraphs[0]}", *[p for p in draft.paragraphs[1:] if p], person]
    if terms:
        paragraphs.append(terms)
    paragraphs.append(_safeguarding(org))

    salary, minimum, maximum = draft.pay
    if patterns == ["part_time"] and draft.kind != "support" and "pro rata" not in salary:
        salary = f"{salary}, pro rata"
    how, url, email = _how_to_apply(org, draft.title, rng, marketplace_only)
    phases = list(org.phases) if org.kind == "trust" else [org.phase or "primary"]
    return Advert(
        title=draft.title,
        job_roles=draft.job_roles,
        phases=phases,
        key_stages=draft.key_stages,
        subjects=draft.subjects,
        working_patterns=patterns,
        job_share=job_share,
        contract_type=contract_type,
        fixed_term_length=length,
        parental_leave_cover=parental_cover,
        salary=salary,
        salary_minimum=minimum,
        salary_maximum=maximum,
        starts_on=starts_on,
        ect_status="ect_suitable" if ect_suitable else "ect_unsuitable",
        visa_sponsorship=visa,
        about_role="\n\n".join(paragraphs),
        what_school_offers=_offers(org, draft, rng),
        how_to_apply=how,
        application_url=url,
        application_email=email,
        contact_email=f"{'hr' if org.kind == 'trust' else 'recruitment'}@{org.domain}",
        **_hours_and_pay(draft, patterns, fte),
    )
