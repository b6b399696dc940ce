"""Applying in the browser: the review (step 1 of 2) filling in what the profile lacks, then the
declarations (step 2 of 2), ready to send."""

from playwright.sync_api import expect


def fill_application(page, statement: str = "I have led fieldwork trips for eight years.") -> None:
    """From the review page of a person whose profile is empty: add each missing section from the list,
    answer this job's questions, continue, and answer the declarations. Leaves the person on step 2,
    with the "Send application" button."""

    def missing(name: str) -> None:
        page.get_by_role("link", name=f"Your {name}").click()

    def save() -> None:
        page.get_by_role("button", name="Save and return to your application").click()

    expect(page.get_by_role("heading", name="Review your application")).to_be_visible()
    missing("professional status")
    page.get_by_label("I have qualified teacher status (QTS)").check()
    page.get_by_label("Teacher reference number (TRN)").fill("1234567")
    save()
    missing("qualifications")
    page.get_by_label("Qualification", exact=True).fill("PGCE")
    page.get_by_label("Subject").fill("Geography")
    save()
    missing("employment history")
    page.get_by_label("Job title").fill("Teacher of Geography")
    page.get_by_label("Employer").fill("Dales School")
    page.get_by_label("Start date").fill("09/2018")
    save()
    missing("referees")
    for index, name in enumerate(("Sam Jones", "Alex Brown")):
        page.locator(f"#items-{index}-name").fill(name)
        page.locator(f"#items-{index}-job_title").fill("Headteacher")
        page.locator(f"#items-{index}-organisation").fill("Dales School")
        page.locator(f"#items-{index}-email").fill(f"referee{index}@dales.example.org")
        page.locator(f"#items-{index}-relationship").fill("Line manager")
    save()
    expect(page.get_by_text("Some details are missing")).to_have_count(0)
    page.get_by_label("Personal statement for this job").fill(statement)
    page.locator("input[name=needed][value=no]").check()
    page.get_by_role("button", name="Continue to declarations").click()
    declare(page)


def declare(page) -> None:
    """Step 2: the declarations, answered as most people answer them: confirmed by sending."""
    expect(page.get_by_role("heading", name="Declarations and send")).to_be_visible()
    expect(page.get_by_text("you have the right to work in the UK", exact=True)).to_be_visible()
