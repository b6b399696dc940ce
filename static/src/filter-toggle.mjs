// "Filter results" on a phone: without JavaScript a link to the filters page; with it, a button that
// shows and hides the filters in place.
export function initFilterToggle(root = document) {
  for (const link of root.querySelectorAll("a.app-filter-toggle[data-controls]")) {
    const panel = root.getElementById(link.dataset.controls);
    if (!panel) continue;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "govuk-button govuk-button--secondary app-filter-toggle";
    button.id = link.id;
    button.textContent = link.textContent;
    button.setAttribute("aria-controls", panel.id);
    button.setAttribute("aria-expanded", "false");
    button.addEventListener("click", () => {
      const open = panel.classList.toggle("app-search-filters--open");
      button.setAttribute("aria-expanded", String(open));
    });
    link.replaceWith(button);
  }
}
