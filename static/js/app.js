// Sightline front-end entry point (loaded with <script type="module">).
// No inline scripts are allowed by the Content-Security-Policy, so the
// `govuk-frontend-supported` class that GOV.UK Frontend 5 normally sets from
// an inline snippet is added here, before the components are initialised
// (they refuse to start without it).
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
