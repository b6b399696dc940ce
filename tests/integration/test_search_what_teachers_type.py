"""What teachers type: role, phase, key stage and working-pattern phrases matched against the fields
the school filled in; synonym groups that must not bleed; words that are not about the job; places
and salaries typed as keywords; spelling; OR and quoted phrases; alerts held to first-page relevance."""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from marketplace.alerts.digest import send_digests
from marketplace.alerts.models import AlertFrequency
from marketplace.db import utcnow
from marketplace.extensions import db
from marketplace.publishing.importer import import_lines
from marketplace.search.api import VacancySearch, find_vacancies, search_vacancies
from tests.alerts_support import LONDON, listing, make_alert
from tests.factories import OrganisationFactory, VacancyFactory

PLAIN = "Join our friendly team. Supportive colleagues and a generous training budget."


def job(title: str, **fields):
    fields.setdefault("about_role", PLAIN)
    fields.setdefault("what_school_offers", "")
    fields.setdefault("subjects", [])
    fields.setdefault("job_roles", ["teacher"])
    fields.setdefault("key_stages", [])
    return VacancyFactory(published=True, title=title, **fields)


def ranked(keywords: str, **options) -> list[int]:
    return find_vacancies(VacancySearch(keywords=keywords, per_page=100, **options), snippets=False).ids


def found(keywords: str, **options) -> set[int]:
    return set(ranked(keywords, **options))


def ids(*vacancies) -> set[int]:
    return {vacancy.id for vacancy in vacancies}


class TestFieldsTheSchoolFilledIn:
    def test_head_of_department_finds_the_role_whatever_the_title_says(self, app):
        curriculum = job("Curriculum Leader: Mathematics", job_roles=["head_of_department_or_curriculum"])
        faculty = job("Head of Faculty, Science", job_roles=["head_of_department_or_curriculum"])
        mention = job("Teacher of English", about_role="You will report to the head of department.")
        job("Teacher of History")

        results = ranked("head of department")
        assert set(results) == ids(curriculum, faculty, mention)
        assert results[-1] == mention.id  # a passing mention ranks below the role itself

    def test_secondary_maths_teacher_finds_listings_by_phase_subject_and_role(self, app):
        plain = job("Teacher", phases=["secondary"], subjects=["Mathematics"])
        titled = job("Secondary maths teacher", phases=["secondary"], subjects=["Mathematics"])
        job("Teacher", phases=["primary"], subjects=["Mathematics"])
        job("Teacher", phases=["secondary"], subjects=["English"])

        assert found("secondary maths teacher") == ids(plain, titled)

    def test_key_stages_and_years_match_the_key_stage_field(self, app):
        ks2 = job("Class teacher", phases=["primary"], key_stages=["ks2"])
        year6 = job("Year 6 teacher", phases=["primary"], key_stages=["ks2"])
        ks1 = job("Class teacher", phases=["primary"], key_stages=["ks1"])

        assert found("KS2") == ids(ks2, year6)
        assert found("year 6 teacher") == ids(ks2, year6)
        assert ranked("year 6 teacher")[0] == year6.id
        assert ks1.id in found("year 2 teacher")

    def test_part_time_matches_the_working_pattern(self, app):
        part = job("Teacher of Mathematics", subjects=["Mathematics"], working_patterns=["part_time"])
        job("Teacher of Mathematics", subjects=["Mathematics"], working_patterns=["full_time"])
        share = job(
            "Teacher of Maths", subjects=["Mathematics"], working_patterns=["full_time"], job_share=True
        )

        assert found("part-time maths teacher") == ids(part)
        assert found("jobshare maths") == found("job share maths") == ids(share)

    def test_head_of_maths_finds_head_of_mathematics_and_curriculum_leaders(self, app):
        spelled = job("Head of Mathematics", job_roles=["head_of_department_or_curriculum"])
        leader = job(
            "Curriculum Leader", job_roles=["head_of_department_or_curriculum"], subjects=["Mathematics"]
        )
        science = job("Head of Science", job_roles=["head_of_department_or_curriculum"], subjects=["Science"])
        physics = job(
            "Curriculum leader", job_roles=["head_of_department_or_curriculum"], subjects=["Physics"]
        )

        assert found("head of maths") == ids(spelled, leader)
        assert found("head of science") == ids(science, physics)


class TestGroupsThatDoNotBleed:
    def test_assistant_head_is_not_deputy_head(self, app):
        assistant = job("Assistant Headteacher", job_roles=["assistant_headteacher"])
        deputy = job("Deputy Headteacher", job_roles=["deputy_headteacher"])
        vice = job("Vice Principal", job_roles=["teacher"])

        assert found("assistant head") == ids(assistant)
        assert found("deputy head") == ids(deputy, vice)

    def test_sen_teacher_finds_teachers_in_special_schools_not_only_sencos(self, app):
        special = OrganisationFactory(type_name="Community special school")
        teacher = job("Class teacher", organisation=special)
        titled = job("SEN Teacher")
        senco = job("SENCO", job_roles=["sendco"])
        senco_teacher = job("SENCO and teacher", job_roles=["sendco", "teacher"])
        job("Class teacher")

        assert found("SEN teacher") == ids(teacher, titled)
        assert found("senco") == ids(senco, senco_teacher)

    def test_senco_does_not_find_inclusion_and_mfl_does_not_find_english(self, app):
        inclusion = job("Inclusion support worker", job_roles=["education_support"])
        eal = job("EAL coordinator", about_role="Support pupils with English as an additional language.")
        english = job("Teacher of English Language", subjects=["English"])
        french = job("Teacher of French", subjects=["French"])

        assert inclusion.id not in found("senco")
        assert found("MFL") == ids(french)
        assert eal.id not in found("MFL")
        assert english.id not in found("MFL")

    def test_missing_equivalents(self, app):
        lsa = job("Learning Support Assistant", job_roles=["education_support"])
        vice = job("Vice Principal", job_roles=["deputy_headteacher"])
        dt_ = job("Teacher of D&T")
        sbm = job("School Business Manager", job_roles=["administration_hr_data_and_finance"])
        reception = job("Reception class teacher", key_stages=["early_years"], phases=["primary"])
        hlta = job("Higher Level Teaching Assistant", job_roles=["higher_level_teaching_assistant"])
        ta = job("Teaching assistant", job_roles=["teaching_assistant"])

        assert lsa.id in found("LSA")
        assert vice.id in found("deputy head")
        assert dt_.id in found("DT")
        assert dt_.id in found("design and technology")
        assert sbm.id in found("SBM")
        assert reception.id in found("EYFS")
        assert hlta.id in found("HLTA")
        assert ta.id in found("TAs")


class TestWordsThatAreNotAboutTheJob:
    def test_jobs_and_vacancies_are_not_required(self, app):
        maths = job("Teacher of Mathematics", subjects=["Mathematics"])

        assert found("maths jobs") == found("maths vacancies") == ids(maths)

    def test_a_place_in_the_keywords_becomes_the_location(self, app, client):
        leeds = job("Teacher of Mathematics", subjects=["Mathematics"])
        london = job(
            "Teacher of Mathematics", subjects=["Mathematics"], organisation=OrganisationFactory(**LONDON)
        )

        page = search_vacancies(VacancySearch(keywords="maths teacher leeds"))
        assert [vacancy.id for vacancy in page.vacancies] == [leeds.id]
        assert page.search.location.lower() == "leeds"
        assert page.search.keywords == "maths teacher"
        assert page.understood == ("location",)
        assert london.id in {
            v.id for v in search_vacancies(VacancySearch(keywords="maths teacher")).vacancies
        }

        response = client.get("/jobs?keyword=maths+teacher+near+leeds")
        assert response.status_code == 302
        assert "location=leeds" in response.location
        assert "keyword=maths+teacher" in response.location
        page = client.get(response.location).get_data(as_text=True)
        assert "the place in your keywords" in page
        assert "Search everywhere instead" in page

    def test_a_salary_in_the_keywords_becomes_a_minimum_salary_filter(self, app, client):
        rich = job("Teacher of Mathematics", subjects=["Mathematics"], salary_maximum=48000)
        job("Teacher of Mathematics", subjects=["Mathematics"], salary_maximum=36000, salary_minimum=30000)

        for typed in ("maths £40k", "maths £40,000"):
            page = search_vacancies(VacancySearch(keywords=typed))
            assert page.search.minimum_salary == 40000
            assert page.search.keywords == "maths"
            assert [vacancy.id for vacancy in page.vacancies] == [rich.id]

        response = client.get("/jobs?keyword=maths+%C2%A340k")
        assert "minimum_salary=40000" in response.location
        page = client.get(response.location).get_data(as_text=True)
        assert "At least £40,000" in page  # the removable filter tag

    def test_pay_scale_words_match_the_salary_text(self, app):
        ups = job("Teacher of Science", salary="MPS/UPS plus TLR 2b")
        leadership = job("Deputy Headteacher", salary="Leadership scale L12 to L16")
        job("Teacher of Art", salary="Main pay range")

        assert found("UPS") == ids(ups)
        assert found("TLR") == ids(ups)
        assert found("leadership scale") == ids(leadership)
        assert len(found("MPS")) == 2  # "Main pay range" is the main pay scale


class TestSpellingAndOperators:
    def test_page_two_of_a_corrected_search_is_page_two(self, app, client):
        for number in range(25):
            job(f"Teacher of Mathematics {number}", subjects=["Mathematics"])

        first = find_vacancies(VacancySearch(keywords="mathmatics", page=1))
        second = find_vacancies(VacancySearch(keywords="mathmatics", page=2))
        assert second.page == 2
        assert len(second.ids) == 5
        assert not set(first.ids) & set(second.ids)
        meta = client.get("/api/v1/vacancies?keyword=mathmatics&page=2").get_json()["meta"]
        assert meta["page"] == 2

    def test_a_correct_phrase_is_never_rewritten_and_techer_is_corrected(self, app):
        job("Teacher of Mathematics", subjects=["Mathematics"])

        result = find_vacancies(VacancySearch(keywords="leadership scale"))
        assert result.total == 0
        assert "spelling" not in result.suggestions
        corrected = find_vacancies(VacancySearch(keywords="techer"))
        assert corrected.suggestions["spelling"]["keyword"] == "teacher"
        assert corrected.total == 1

    def test_several_failing_words_suggest_dropping_one(self, app):
        job("Teacher of Mathematics", subjects=["Mathematics"])

        result = find_vacancies(VacancySearch(keywords="maths teacher zzqx"))
        assert result.total == 0
        assert result.suggestions["fewer_words"][0] == {
            "keyword": "maths teacher",
            "without": "zzqx",
            "count": 1,
        }

    def test_or_and_quoted_phrases(self, app):
        chemistry = job("Teacher of Chemistry", subjects=["Chemistry"])
        physics = job("Teacher of Physics", subjects=["Physics"])
        forest = job("Class teacher", about_role="We run a forest school every Friday.")
        scattered = job("Class teacher", about_role="A school beside the forest.")

        assert found("chemistry OR physics") == ids(chemistry, physics)
        assert found('"forest school"') == ids(forest)
        assert found("forest school") == ids(forest, scattered)


def test_further_education_subjects_are_imported_and_searchable(app):
    school = OrganisationFactory()
    line = {
        "external_reference": "fe-1",
        "status": "published",
        "school": {"urn": school.urn},
        "title": "Lecturer in Animal Care",
        "description": "Teach animal care and functional skills.",
        "contact_email": "jobs@example.org",
        "salary": "£30,000",
        "job_roles": ["teacher"],
        "phases": ["sixth_form_or_college"],
        "subjects": ["Animal care", "Functional skills"],
        "publish_on": (utcnow() - dt.timedelta(days=5)).date().isoformat(),
        "closes_at": (utcnow() + dt.timedelta(days=20)).isoformat(),
    }
    report = import_lines([json.dumps(line)], verified=True)
    db.session.commit()
    assert not report.problems, report.problems

    result = find_vacancies(VacancySearch(subjects=["Animal care"]))
    assert result.total == 1


def test_newest_and_date_posted_go_by_the_publish_date_not_the_import(app, client):
    older = job("Teacher of Art", publish_on=(utcnow() - dt.timedelta(days=10)).date())
    newer = job("Teacher of Drama", publish_on=(utcnow() - dt.timedelta(days=2)).date())
    # Both were imported (went live on the service) just now.
    assert older.published_at > newer.published_at - dt.timedelta(minutes=1)

    assert find_vacancies(VacancySearch(sort="newest")).ids == [newer.id, older.id]
    posting = client.get(f"/api/v1/vacancies/{older.id}").get_json()["data"]
    assert posting["datePosted"] == older.publish_on.isoformat()


def test_alerts_skip_passing_mentions_and_list_the_best_first(app, outbox):
    fields_only = listing("Classroom post", subjects=["Mathematics"])
    titled = listing("Teacher of Mathematics", subjects=["Mathematics"])
    mention = listing("Teacher of History", subjects=["History"], about_role="Some maths in year 7.")
    make_alert(email="maths@example.org", keywords="maths")

    send_digests(AlertFrequency.DAILY)

    (message,) = [m for m in outbox() if m.template == "job_alert_digest"]
    body = message.text_body
    assert mention.title not in body  # the search page still finds it, last
    assert find_vacancies(VacancySearch(keywords="maths")).ids[-1] == mention.id
    assert body.index(titled.title) < body.index(fields_only.title)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    keywords=st.lists(
        st.sampled_from([*list('abcmORst "£k,.-+&|()*?~^:/\\0123456789'), "maths", " OR ", "£40k", "leeds"]),
        max_size=30,
    ).map("".join)
)
def test_no_keyword_ever_breaks_the_search(client, keywords):
    assert client.get("/jobs", query_string={"keyword": keywords}).status_code in (200, 302)
    assert client.get("/api/v1/vacancies", query_string={"keyword": keywords}).status_code in (200, 400)
