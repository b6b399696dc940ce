"""Filling in the application form in the browser, section by section from its task list."""

from playwright.sync_api import expect


def fill_application(page) -> None:
    """Answer each section of the application form from its task list."""

    def section(name: str) -> None:
        page.get_by_role("link", name=name).click()

    def save() -> None:
        page.get_by_role("button", name="Save and continue").click()

    section("Personal details")  # prefilled with the account's name
    save()
    section("Professional status")
    page.get_by_label("I have qualified teacher status (QTS)").check()
    page.get_by_label("Teacher reference number (TRN)").fill("1234567")
    save()
    section("Qualifications")
    page.get_by_label("Qualification", exact=True).fill("PGCE")
    page.get_by_label("Subject").fill("Geography")
    save()
    section("Employment history")
    page.get_by_label("Job title").fill("Teacher of Geography")
    page.get_by_label("Employer").fill("Dales School")
    page.get_by_label("Start date").fill("09/2018")
    save()
    section("Referees")
    for index, name in enumerate(("Sam Jones", "Alex Brown")):
        page.locator(f"#items-{index}-name").fill(name)
        page.locator(f"#items-{index}-job_title").fill("Headteacher")
        page.locator(f"#items-{index}-organisation").fill("Dales School")
        page.locator(f"#items-{index}-email").fill(f"referee{index}@dales.example.org")
        page.locator(f"#items-{index}-relationship").fill("Line manager")
    save()
    section("Personal statement")
    page.get_by_label("Personal statement").fill("I have led fieldwork trips for eight years.")
    # The visible count (a screen reader's copy of it follows a moment later, hidden).
    expect(page.locator(".govuk-character-count__status")).to_have_text("You have 1,492 words remaining")
    save()
    section("Support needed at interview")
    page.get_by_label("No").check()
    save()
    section("Declarations")
    for question in ("right_to_work", "safeguarding", "close_relationships"):
        page.locator(
            f"input[name={question}][value={'yes' if question == 'right_to_work' else 'no'}]"
        ).check()
    save()
