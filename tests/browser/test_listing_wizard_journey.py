"""The listing wizard in a real browser: the checks run as the school types, and documents upload."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import sign_in
from tests.document_samples import pdf_bytes
from tests.factories import MembershipFactory, VacancyFactory

pytestmark = pytest.mark.browser


def test_checks_as_the_school_types_and_a_document_uploaded(page, live_server, tmp_path):
    membership = MembershipFactory()
    draft = VacancyFactory(organisation=membership.organisation, title="Teacher of Drama")
    sign_in(page, live_server, membership.user.email)

    page.goto(f"{live_server}/school/vacancies/{draft.id}/edit/about-the-role")
    page.get_by_label("About the role").fill("We want a young and dynamic drama teacher.")
    checks = page.locator("[data-app-live-checks]")
    expect(checks).to_contain_text("Needs a moderator")
    expect(checks).to_contain_text("young and dynamic")
    page.get_by_label("About the role").fill("We want an imaginative drama teacher.")
    expect(checks).to_contain_text("nothing to change in this section")

    pack = tmp_path / "Application pack.pdf"
    pack.write_bytes(pdf_bytes())
    page.goto(f"{live_server}/school/vacancies/{draft.id}/edit/documents")
    page.get_by_label("Upload a file").set_input_files(str(pack))
    page.get_by_role("button", name="Upload file").click()
    expect(page.get_by_text("Application pack.pdf has been uploaded")).to_be_visible()
    page.goto(f"{live_server}/school/vacancies/{draft.id}/preview")
    expect(page.get_by_role("link", name="Application pack.pdf")).to_be_visible()
