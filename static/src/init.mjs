// Progressive enhancement only: every page works without JavaScript.
import { initAll } from "./govuk-frontend.min.js";
import { initFilterToggle } from "./filter-toggle.mjs";
import { initListingChecks } from "./listing-checks.mjs";

initAll();
initListingChecks();
initFilterToggle();
