// Listing wizard: run the moderation checks on a section's words as the school types (the server checks
// again, and shows the same findings, when the section is saved: the page works without this script).
const TAGS = { block: "govuk-tag--red", review: "govuk-tag--orange", advise: "govuk-tag--blue" };

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function show(region, findings) {
  region.replaceChildren();
  if (!findings.length) {
    region.append(element("p", "govuk-body govuk-hint", "Checks as you type: nothing to change in this section."));
    return;
  }
  const box = element("div", "govuk-inset-text");
  box.append(element("h2", "govuk-heading-s", "Checks as you type"));
  const list = element("ul", "govuk-list");
  for (const finding of findings) {
    const item = element("li", "govuk-!-margin-bottom-2");
    item.append(element("strong", `govuk-tag ${TAGS[finding.severity] || ""}`, finding.label), " ");
    if (finding.text) item.append(`“${finding.text}”: `);
    item.append(finding.message);
    list.append(item);
  }
  box.append(list);
  region.append(box);
}

export function initListingChecks(root = document) {
  for (const container of root.querySelectorAll("[data-app-listing-checks]")) {
    const form = container.querySelector("form");
    const region = container.querySelector("[data-app-live-checks]");
    if (!form || !region) continue;
    let timer = null;
    let latest = 0;
    const run = async () => {
      const request = ++latest;
      try {
        const response = await fetch(container.dataset.appListingChecks, {
          method: "POST",
          body: new FormData(form),
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        if (!response.ok || request !== latest) return;
        show(region, (await response.json()).findings || []);
      } catch {
        // The checks on saving still run; nothing to tell the school here.
      }
    };
    form.addEventListener("input", (event) => {
      if (!event.target.matches("textarea, input[type=text]")) return;
      clearTimeout(timer);
      timer = setTimeout(run, 600);
    });
  }
}
