// Builds the front-end assets into static/dist (git-ignored): our stylesheet compiled
// against GOV.UK Frontend, GOV.UK Frontend's JavaScript, and its non-branded images.
import { cpSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const frontend = join(here, "..", "node_modules", "govuk-frontend", "dist", "govuk");
const out = join(here, "dist");

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, "assets"), { recursive: true });

const css = sass.compile(join(here, "src", "marketplace.scss"), {
  style: "compressed",
  importers: [new sass.NodePackageImporter()],
  quietDeps: true,
  silenceDeprecations: ["import"],
});
writeFileSync(join(out, "marketplace.css"), css.css);

cpSync(join(frontend, "govuk-frontend.min.js"), join(out, "govuk-frontend.min.js"));
cpSync(join(here, "src", "init.mjs"), join(out, "init.mjs"));
cpSync(join(here, "src", "listing-checks.mjs"), join(out, "listing-checks.mjs"));
cpSync(join(here, "src", "filter-toggle.mjs"), join(out, "filter-toggle.mjs"));
// The crest, crown icons and GDS Transport fonts are deliberately not copied.
writeFileSync(join(out, ".built"), new Date().toISOString() + "\n");
console.log(`assets built into ${out}`);
