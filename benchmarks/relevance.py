"""Relevance benchmark: does search find every relevant job for what teachers type, and only those?

    .venv/bin/python benchmarks/relevance.py [--size 3000] [--seed 11]

A corpus of listings with known attributes is generated from the shared vocabulary (roles, phases, key
stages, subjects, working patterns, pay scales, places), written as a school would write them: titles
that often do not name the subject or role ("Teacher", "Curriculum Leader"), descriptions that mention
other subjects and roles in passing ("you will report to the head of department", "our EAL pupils"),
salary text in the school's own words, and one listing in seven with its subjects and key stages left
blank (only its words say what it is). Each query comes with its judgment, a rule over the listings'
attributes (never over their text), so a listing is relevant when it *is* what the person asked for.

For each query the page's own read side runs (`search_vacancies`: places and salaries typed as
keywords, spelling correction, ranking), and we report precision@10 (relevant listings among the first
ten; when fewer than ten are relevant, among the first that many) and recall (relevant listings found
anywhere in the results), averaged per query type and overall. Results go to
benchmarks/results/relevance.json (per query too, so misses can be looked at).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from marketplace import create_app  # noqa: E402
from marketplace.extensions import db  # noqa: E402
from marketplace.search.api import VacancySearch, backend_for, search_vacancies  # noqa: E402
from marketplace.search.geo import Point, distance_metres, gazetteer, resolve  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "relevance.json"
MILES = 1609

SECONDARY_SUBJECTS = {
    "Mathematics": ["Mathematics", "Maths"],
    "English": ["English"],
    "Science": ["Science"],
    "Biology": ["Biology"],
    "Chemistry": ["Chemistry"],
    "Physics": ["Physics"],
    "History": ["History"],
    "Geography": ["Geography"],
    "French": ["French", "MFL (French)"],
    "Spanish": ["Spanish", "MFL (Spanish)"],
    "German": ["German"],
    "Computing": ["Computing", "Computer Science", "ICT"],
    "Art and design": ["Art", "Art and Design"],
    "Music": ["Music"],
    "Drama": ["Drama"],
    "Physical education": ["PE", "Physical Education"],
    "Religious education": ["RE", "Religious Studies"],
    "Design and technology": ["Design and Technology", "D&T", "DT"],
    "Psychology": ["Psychology"],
    "Business studies": ["Business Studies"],
}
FE_SUBJECTS = {
    "Animal care": ["Animal Care"],
    "Functional skills": ["Functional Skills"],
    "Plumbing and heating": ["Plumbing"],
    "Hair and beauty": ["Hair and Beauty"],
}
INCIDENTAL = [
    "You will report to the head of department.",
    "Our maths and English results are the best in the county.",
    "You will work closely with the SENCO and the pastoral team.",
    "Many of our pupils speak English as an additional language (EAL).",
    "The deputy head leads our professional development programme.",
    "We are proud of our science and languages provision.",
    "Pupils in year 6 and year 11 achieve well in national tests.",
    "The school has a strong inclusion team.",
    "Part of our curriculum includes history trips and music tours.",
    "Teaching assistants support every class.",
]
GENERAL = [
    "We are a happy, inclusive community where every pupil is known and valued.",
    "We offer excellent professional development and a generous CPD budget.",
    "Safeguarding is at the heart of everything we do; an enhanced DBS check is required.",
    "The school is easily reached by public transport and has free parking on site.",
]


@dataclass
class Listing:
    id: int
    school: int
    title: str
    role: str
    kind: str  # finer than the role: lsa, cover, sbm, receptionist, …
    phase: str
    key_stages: list[str]
    subjects: list[str]
    patterns: list[str]
    job_share: bool
    scales: set[str]  # mps, ups, tlr, leadership
    salary_text: str
    salary_max: int
    special: bool
    point: Point
    body: str
    # The school left the optional fields (subjects, key stages) blank: the listing still is what it
    # is, and only its words say so.
    blank_fields: bool = False


def pick(rng: random.Random, weighted: dict[str, int]) -> str:
    return rng.choices(list(weighted), weights=list(weighted.values()))[0]


def build_corpus(size: int, seed: int) -> tuple[list[dict], list[Listing]]:
    rng = random.Random(seed)
    places = sorted({name: point for name, point in gazetteer().values()}.items())
    # A third of the schools are in the places the queries name, so each place query has listings.
    named = [gazetteer()[place] for place in QUERIED_PLACES]
    schools = []
    for number in range(max(size // 5, 20)):
        _name, point = rng.choice(named) if rng.random() < 0.35 else rng.choice(places)
        phase = pick(rng, {"primary": 5, "secondary": 4, "sixth_form_or_college": 1, "through": 1})
        special = rng.random() < 0.08
        schools.append(
            {
                "id": number + 1,
                "kind": "school",
                "urn": str(200000 + number),
                "name": f"{rng.choice(['Oak', 'Riverside', 'Hill', 'Park', 'Abbey', 'Meadow'])} "
                f"{'Special School' if special else 'School'} {number}",
                "slug": f"school-{number}",
                "phase": phase,
                "type_group": "Academies",
                "type_name": "Academy special converter" if special else "Academy converter",
                "religious_character": "None",
                "town": f"Town {number}",
                "postcode": f"ZZ{number % 99} {number % 9}AA",
                "latitude": point.latitude + rng.uniform(-0.05, 0.05),
                "longitude": point.longitude + rng.uniform(-0.05, 0.05),
                "created_at": dt.datetime.now(dt.UTC),
                "updated_at": dt.datetime.now(dt.UTC),
            }
        )
    listings = [_listing(rng, number + 1, rng.choice(schools)) for number in range(size)]
    return schools, listings


def _listing(rng: random.Random, number: int, school: dict) -> Listing:
    phase = school["phase"]
    primary = phase == "primary"
    role = pick(
        rng,
        {
            "teacher": 60,
            "head_of_department_or_curriculum": 0 if primary else 7,
            "head_of_year_or_phase": 3,
            "assistant_headteacher": 3,
            "deputy_headteacher": 3,
            "headteacher": 2,
            "sendco": 3,
            "teaching_assistant": 8,
            "higher_level_teaching_assistant": 2,
            "education_support": 5,
            "administration_hr_data_and_finance": 4,
        },
    )
    kind = role
    subjects: list[str] = []
    key_stages = (
        [rng.choice(["early_years", "ks1", "ks2", "ks2"])]
        if primary
        else rng.choice([["ks3", "ks4"], ["ks3", "ks4", "ks5"], ["ks5"]])
    )
    if phase == "sixth_form_or_college":
        key_stages = ["ks5"]
    pool = {**SECONDARY_SUBJECTS, **(FE_SUBJECTS if phase == "sixth_form_or_college" else {})}
    subject = rng.choice(list(pool))
    spelled = rng.choice(pool[subject])
    if role in ("teacher", "head_of_department_or_curriculum") and not primary:
        subjects = [subject]
    stage = {"early_years": "Reception", "ks1": "Year 2", "ks2": rng.choice(["Year 4", "Year 6", "KS2"])}
    if role == "teacher" and primary:
        title = rng.choice(["Class Teacher", f"{stage[key_stages[0]]} Teacher", "Primary Teacher", "Teacher"])
    elif role == "teacher":
        title = rng.choice([f"Teacher of {spelled}", f"{spelled} Teacher", f"{spelled} Teacher", "Teacher"])
    elif role == "head_of_department_or_curriculum":
        title = rng.choice(
            [
                f"Head of {spelled}",
                f"Curriculum Leader: {spelled}",
                f"Head of Faculty ({spelled})",
                "Curriculum Leader",
            ]
        )
    else:
        titles = {
            "head_of_year_or_phase": ["Head of Year 9", "Pastoral Leader", "Progress Leader", "Phase Leader"],
            "assistant_headteacher": ["Assistant Headteacher", "Assistant Head", "Assistant Principal"],
            "deputy_headteacher": ["Deputy Headteacher", "Deputy Head", "Vice Principal"],
            "headteacher": ["Headteacher", "Principal", "Head Teacher"],
            "sendco": ["SENCO", "SENDCo", "Special Educational Needs Coordinator"],
            "teaching_assistant": ["Teaching Assistant", "Classroom Assistant", "TA"],
            "higher_level_teaching_assistant": ["HLTA", "Higher Level Teaching Assistant"],
            "education_support": ["Learning Support Assistant", "LSA", "Cover Supervisor"],
            "administration_hr_data_and_finance": [
                "School Business Manager", "SBM", "Receptionist", "Finance Officer",
            ],
        }[role]  # fmt: skip
        title = rng.choice(titles)
        if role == "education_support":
            kind = "cover" if title == "Cover Supervisor" else "lsa"
        if role == "administration_hr_data_and_finance":
            kind = "sbm" if title in ("School Business Manager", "SBM") else "office"
    patterns = ["part_time"] if rng.random() < 0.25 else ["full_time"]
    job_share = rng.random() < 0.08
    if role in ("assistant_headteacher", "deputy_headteacher", "headteacher"):
        salary_text, scales, top = rng.choice(
            [
                ("Leadership scale L8 to L12", {"leadership"}, 70000),
                ("Leadership pay range L15-L19", {"leadership"}, 85000),
            ]
        )
    elif role in ("teacher", "head_of_department_or_curriculum", "head_of_year_or_phase", "sendco"):
        salary_text, scales, top = rng.choice(
            [
                ("MPS/UPS", {"mps", "ups"}, 47000),
                ("Main pay range", {"mps"}, 41000),
                ("Main Pay Scale plus TLR 2a", {"mps", "tlr"}, 45000),
                ("UPS + TLR 1b", {"ups", "tlr"}, 52000),
                ("£32,000 to £40,000", set(), 40000),
            ]
        )
    else:
        salary_text, scales, top = rng.choice(
            [("Grade 4, pro rata", set(), 24000), ("£23,000 - £26,000", set(), 26000)]
        )
    sentences = [
        f"We are looking for a committed {title.lower()} to join our team.",
        *rng.sample(INCIDENTAL, 2),
        *rng.sample(GENERAL, 2),
    ]
    if "part_time" in patterns and rng.random() < 0.5:
        sentences.append("This is a part-time post (0.6 FTE).")
    if subjects and rng.random() < 0.5:
        sentences.append(f"You will teach {subject.lower()} across the school.")
    rng.shuffle(sentences)
    return Listing(
        id=number,
        school=school["id"],
        title=title,
        role=role,
        kind=kind,
        phase=phase,
        key_stages=key_stages,
        subjects=subjects,
        patterns=patterns,
        job_share=job_share,
        scales=scales,
        salary_text=salary_text,
        salary_max=top,
        special=school["type_name"].startswith("Academy special"),
        point=Point(school["latitude"], school["longitude"]),
        body=" ".join(sentences),
        blank_fields=rng.random() < 0.15,
    )


def rows(listings: list[Listing]) -> list[dict]:
    now = dt.datetime.now(dt.UTC)
    return [
        {
            "id": listing.id,
            "organisation_id": listing.school,
            "title": listing.title,
            "job_roles": [listing.role],
            "phases": [listing.phase],
            "key_stages": [] if listing.blank_fields else listing.key_stages,
            "subjects": [] if listing.blank_fields else listing.subjects,
            "working_patterns": listing.patterns,
            "job_share": listing.job_share,
            "contract_type": "permanent",
            "parental_leave_cover": False,
            "salary": listing.salary_text,
            "salary_minimum": listing.salary_max - 6000,
            "salary_maximum": listing.salary_max,
            "publish_on": (now - dt.timedelta(days=listing.id % 20)).date(),
            "closes_at": now + dt.timedelta(days=10 + listing.id % 40),
            "published_at": now - dt.timedelta(days=listing.id % 20),
            "ect_status": "ect_suitable",
            "visa_sponsorship": False,
            "about_role": listing.body,
            "what_school_offers": "",
            "how_to_apply": "marketplace",
            "contact_email": "jobs@example.org",
            "status": "published",
            "status_changed_at": now,
            "created_at": now,
            "updated_at": now,
        }
        for listing in listings
    ]


# --- Queries and their judgments ------------------------------------------------------------------

Judge = Callable[[Listing], bool]
TEACHING = {"teacher"}


def role(*roles: str) -> Judge:
    return lambda listing: listing.role in roles


def subject(*names: str) -> Judge:
    return lambda listing: bool(set(listing.subjects) & set(names))


def stage(*stages: str) -> Judge:
    return lambda listing: bool(set(listing.key_stages) & set(stages))


def both(*judges: Judge) -> Judge:
    return lambda listing: all(judge(listing) for judge in judges)


QUERIED_PLACES = (
    "leeds", "york", "manchester", "london", "bristol", "birmingham", "sheffield", "liverpool",
    "newcastle upon tyne", "nottingham", "leicester",
)  # fmt: skip


def near(place: str, judge: Judge) -> Judge:
    point = gazetteer()[place][1]
    return lambda listing: judge(listing) and distance_metres(point, listing.point) <= 15 * MILES


teacher = role("teacher")
maths = subject("Mathematics")
science = subject("Science", "Biology", "Chemistry", "Physics")
primary = lambda listing: listing.phase == "primary"  # noqa: E731
secondary = lambda listing: listing.phase == "secondary"  # noqa: E731
part_time = lambda listing: "part_time" in listing.patterns  # noqa: E731
full_time = lambda listing: "full_time" in listing.patterns  # noqa: E731
job_share = lambda listing: listing.job_share  # noqa: E731
kind = lambda *kinds: lambda listing: listing.kind in kinds  # noqa: E731
scale = lambda name: lambda listing: name in listing.scales  # noqa: E731
paid = lambda amount: lambda listing: listing.salary_max >= amount  # noqa: E731
senior = role("headteacher", "deputy_headteacher", "assistant_headteacher")
hod = role("head_of_department_or_curriculum")
tas = role("teaching_assistant", "higher_level_teaching_assistant")
languages = subject("French", "Spanish", "German")

QUERIES: dict[str, dict[str, Judge]] = {
    "abbreviations": {
        "MFL": languages,
        "PE": subject("Physical education"),
        "RE": subject("Religious education"),
        "ICT": subject("Computing"),
        "DT": subject("Design and technology"),
        "D&T": subject("Design and technology"),
        "SENCO": role("sendco"),
        "KS1": stage("ks1"),
        "KS2": stage("ks2"),
        "KS3": stage("ks3"),
        "KS4": stage("ks4"),
        "KS5": stage("ks5"),
        "EYFS": stage("early_years"),
        "TA": tas,
        "TAs": tas,
        "HLTA": role("higher_level_teaching_assistant"),
        "LSA": kind("lsa"),
        "SBM": kind("sbm"),
        "SLT": senior,
        "GCSE maths": both(maths, stage("ks4")),
        "A level physics": both(subject("Physics"), stage("ks5")),
        "KS2 teacher": both(teacher, stage("ks2")),
    },
    "stems": {
        "teachers": teacher,
        "maths teachers": both(teacher, maths),
        "physics teachers": both(teacher, subject("Physics")),
        "history teaching": both(teacher, subject("History")),
        "deputy heads": role("deputy_headteacher"),
        "teaching assistants": tas,
        "chemistry teachers": both(teacher, subject("Chemistry")),
        "geography teachers": both(teacher, subject("Geography")),
        "science teachers": both(teacher, science),
        "english teachers": both(teacher, subject("English")),
        "mathematics": maths,
        "drama teachers": both(teacher, subject("Drama")),
    },
    "misspellings": {
        "mathmatics": maths,
        "techer": teacher,
        "histroy": subject("History"),
        "chemsitry": subject("Chemistry"),
        "geograpy": subject("Geography"),
        "phsyics": subject("Physics"),
        "biolgy": subject("Biology"),
        "spansh": subject("Spanish"),
        "psycology": subject("Psychology"),
        "maths techer": both(maths, teacher),
        "physics techer": both(subject("Physics"), teacher),
        "musik": subject("Music"),
    },
    "role phrases": {
        "head of department": hod,
        "head of maths": both(hod, maths),
        "head of science": both(hod, science),
        "head of english": both(hod, subject("English")),
        "head of history": both(hod, subject("History")),
        "curriculum leader": hod,
        "head of year": role("head_of_year_or_phase"),
        "assistant head": role("assistant_headteacher"),
        "assistant headteacher": role("assistant_headteacher"),
        "deputy head": role("deputy_headteacher"),
        "vice principal": role("deputy_headteacher"),
        "headteacher": role("headteacher"),
        "SEN teacher": both(teacher, lambda listing: listing.special),
        "secondary maths teacher": both(secondary, maths, teacher),
        "primary teacher": both(primary, teacher),
        "year 6 teacher": both(teacher, stage("ks2")),
        "year 2 teacher": both(teacher, stage("ks1")),
        "reception teacher": both(teacher, stage("early_years")),
        "teaching assistant": tas,
        "learning support assistant": kind("lsa"),
        "cover supervisor": kind("cover"),
        "school business manager": kind("sbm"),
        "secondary english teacher": both(secondary, subject("English"), teacher),
        "primary teaching assistant": both(primary, tas),
        "animal care lecturer": both(teacher, subject("Animal care")),
        "functional skills": subject("Functional skills"),
    },
    "places": {
        "maths teacher leeds": near("leeds", both(maths, teacher)),
        "primary teacher near york": near("york", both(primary, teacher)),
        "science teacher in manchester": near("manchester", both(science, teacher)),
        "teacher london": near("london", teacher),
        "english teacher bristol": near("bristol", both(subject("English"), teacher)),
        "teaching assistant birmingham": near("birmingham", tas),
        "head of department near sheffield": near("sheffield", hod),
        "primary jobs in liverpool": near("liverpool", primary),
        "deputy head newcastle": near("newcastle upon tyne", role("deputy_headteacher")),
        "senco nottingham": near("nottingham", role("sendco")),
        "history teacher leicester": near("leicester", both(subject("History"), teacher)),
        "KS2 teacher near leeds": near("leeds", both(teacher, stage("ks2"))),
    },
    "working patterns": {
        "part-time maths teacher": both(part_time, maths, teacher),
        "part time": part_time,
        "part-time": part_time,
        "full time teacher": both(full_time, teacher),
        "job share": job_share,
        "jobshare": job_share,
        "part time teaching assistant": both(part_time, tas),
        "part-time primary teacher": both(part_time, primary, teacher),
        "job share teacher": both(job_share, teacher),
        "part time science teacher": both(part_time, science, teacher),
        "part time english": both(part_time, subject("English")),
    },
    "salary words": {
        "MPS": scale("mps"),
        "UPS": scale("ups"),
        "TLR": scale("tlr"),
        "leadership scale": scale("leadership"),
        "main pay scale": scale("mps"),
        "upper pay scale": scale("ups"),
        "£40k": paid(40000),
        "maths teacher £40,000": both(maths, teacher, paid(40000)),
        "teacher £45k": both(teacher, paid(45000)),
        "deputy head £80,000": both(role("deputy_headteacher"), paid(80000)),
        "UPS physics": both(scale("ups"), subject("Physics")),
    },
    "common words": {
        "maths jobs": maths,
        "teacher jobs": teacher,
        "teaching vacancies": teacher,
        "science jobs": science,
        "primary jobs": primary,
        "english vacancies": subject("English"),
        "headteacher jobs": role("headteacher"),
        "chemistry OR physics": subject("Chemistry", "Physics"),
        "music OR drama teacher": both(subject("Music", "Drama"), teacher),
        "senco jobs": role("sendco"),
        "secondary vacancies": secondary,
        "art teacher jobs": both(subject("Art and design"), teacher),
    },
}


def evaluate(keywords: str, judge: Judge, listings: dict[int, Listing]) -> dict:
    relevant = {listing.id for listing in listings.values() if judge(listing)}
    found: list[int] = []
    page = 1
    while True:
        result = search_vacancies(VacancySearch(keywords=keywords, per_page=100, page=page), snippets=False)
        found.extend(vacancy.id for vacancy in result.vacancies)
        if page >= result.pages or not result.vacancies:
            break
        page += 1
    # Precision among the first ten, or among the first as many as there are relevant listings (a
    # query with three relevant listings is perfect when its first three are those). A query with no
    # relevant listing has no precision (it is reported, not averaged).
    top = found[: min(10, len(relevant))]
    precision = sum(1 for vacancy_id in top if vacancy_id in relevant) / len(top) if top else None
    if relevant and not top:
        precision = 0.0
    recall = len(relevant & set(found)) / len(relevant) if relevant else 1.0
    return {
        "keywords": keywords,
        "searched_as": {
            "keywords": result.search.keywords,
            "location": result.search.location,
            "minimum_salary": result.search.minimum_salary,
            "spelling": result.suggestions.get("spelling", {}).get("keyword"),
        },
        "relevant": len(relevant),
        "found": len(found),
        "precision_at_10": None if precision is None else round(precision, 3),
        "recall": round(recall, 3),
        "missed_examples": [listings[i].title for i in sorted(relevant - set(found))[:3]],
        "wrong_in_top_10": [listings[i].title for i in top if i not in relevant][:3],
    }


def _mean(values) -> float:
    return round(statistics.mean(value for value in values if value is not None), 3)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=11)
    arguments = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="relevance-bench-"))
    app = create_app(
        {
            "ENV": "testing",
            "INSTANCE_PATH": str(workdir),
            "DATABASE_URL": f"sqlite:///{workdir / 'bench.db'}",
            "SECRET_KEY": "benchmark",
            "SEARCH_INDEX_PATH": str(workdir / "search-index"),
            "SEARCH_WRITE_TIMEOUT": "60",
            "SERVER_NAME": None,
        }
    )
    schools, listings = build_corpus(arguments.size, arguments.seed)
    from marketplace.organisations.models import Organisation
    from marketplace.vacancies.models import Vacancy

    with app.app_context():
        db.create_all()
        with db.engine.begin() as connection:
            connection.execute(sa.insert(Organisation.__table__), schools)
            connection.execute(sa.insert(Vacancy.__table__), rows(listings))
        started = time.perf_counter()
        backend_for(app).rebuild(db.session)
        rebuild_seconds = time.perf_counter() - started
        resolve("leeds", db.session)  # the gazetteer, loaded once
        by_id = {listing.id: listing for listing in listings}
        per_type = {}
        queries = []
        for query_type, judged in QUERIES.items():
            measured = [evaluate(keywords, judge, by_id) for keywords, judge in judged.items()]
            for one in measured:
                one["type"] = query_type
            queries.extend(measured)
            per_type[query_type] = {
                "queries": len(measured),
                "precision_at_10": _mean(m["precision_at_10"] for m in measured),
                "recall": round(statistics.mean(m["recall"] for m in measured), 3),
            }
    overall = {
        "queries": len(queries),
        "precision_at_10": _mean(q["precision_at_10"] for q in queries),
        "recall": round(statistics.mean(q["recall"] for q in queries), 3),
    }
    report = {
        "measured_at": dt.datetime.now(dt.UTC).isoformat(),
        "corpus": {"listings": len(listings), "schools": len(schools), "seed": arguments.seed},
        "rebuild_seconds": round(rebuild_seconds, 1),
        "overall": overall,
        "by_type": per_type,
        "queries": queries,
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps({"overall": overall, "by_type": per_type}, indent=2))
    for query in queries:
        if (query["precision_at_10"] or 0) < 0.9 or query["recall"] < 0.9:
            print(
                f"{query['type']:>16} | {query['keywords']!r}: P@10 {query['precision_at_10']}, "
                f"recall {query['recall']} ({query['relevant']} relevant, {query['found']} found); "
                f"missed {query['missed_examples']}; wrong {query['wrong_in_top_10']}"
            )
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
