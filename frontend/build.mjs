// Builds Sightline's front-end assets into ../static/ so the app needs no Node.
// Usage: cd frontend && npm ci && npm run build   (safe to re-run)
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, posix, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import * as sass from "sass";

const here = dirname(fileURLToPath(import.meta.url));
const nodeModules = join(here, "node_modules");
const staticDir = resolve(here, "..", "static");
const govukDist = join(nodeModules, "govuk-frontend", "dist", "govuk");

// GOV.UK-only artwork that must never be shipped (crown, royal arms, logos).
const FORBIDDEN = /crest|crown|royal|arms|govuk-(icon|logo|opengraph)|favicon|logotype/i;

const errors = [];
const out = (p) => join(staticDir, p);
const ensureDir = (file) => mkdirSync(dirname(file), { recursive: true });
const show = (p) => relative(resolve(here, ".."), p);

function write(file, text) {
  ensureDir(file);
  writeFileSync(file, text);
  console.log(`wrote  ${show(file)} (${Buffer.byteLength(text)} bytes)`);
}

// Copy a JS file, dropping its sourceMappingURL comment: we don't ship the
// .map files, and Django's ManifestStaticFilesStorage fails on missing maps.
function copyJs(src, dest) {
  const text = readFileSync(src, "utf8").replace(/\n?\/\/# sourceMappingURL=\S+\s*$/, "\n");
  write(out(dest), text);
}

// 1. CSS
const result = sass.compile(join(here, "scss", "app.scss"), {
  style: "compressed",
  sourceMap: false,
  loadPaths: [nodeModules],
  quietDeps: true, // GOV.UK Frontend 5 uses @import etc.; its warnings aren't ours
  // Our own file uses @import (required to configure GOV.UK Frontend 5).
  silenceDeprecations: ["import", "global-builtin"].filter((d) => sass.deprecations[d]?.status === "active"),
});
const css = result.css;
const cssFile = out("css/app.css");
write(cssFile, css + "\n");

// 2. Images referenced by the CSS (only GOV.UK Frontend images we may ship)
const urls = [...css.matchAll(/url\(\s*(['"]?)([^'")]+)\1\s*\)/g)].map((m) => m[2]);
for (const url of new Set(urls)) {
  if (/^(data:|#)/.test(url)) continue;
  if (/^([a-z]+:)?\/\//i.test(url)) {
    errors.push(`external url() in CSS: ${url}`);
    continue;
  }
  const target = resolve(dirname(cssFile), url.split(/[?#]/)[0]);
  const name = posix.basename(url);
  if (/\.(woff2?|ttf|otf|eot)$/i.test(name)) {
    errors.push(`CSS references a font (${url}): font-face inclusion is not disabled`);
    continue;
  }
  const govukImage = join(govukDist, "assets", "images", name);
  if (existsSync(govukImage) && !FORBIDDEN.test(name)) {
    ensureDir(target);
    copyFileSync(govukImage, target);
    console.log(`copied ${show(target)}`);
  }
  if (!existsSync(target)) errors.push(`CSS url(${url}) -> missing file ${show(target)}`);
}

// 3. JavaScript
copyJs(join(govukDist, "govuk-frontend.min.js"), "js/govuk-frontend.min.js");
copyJs(join(nodeModules, "htmx.org", "dist", "htmx.min.js"), "vendor/htmx.min.js");
copyJs(join(nodeModules, "chart.js", "dist", "chart.umd.min.js"), "vendor/chart.umd.min.js");

// 4. Checks
if (css.includes("GDS Transport")) errors.push('CSS mentions "GDS Transport"');
if (/@font-face/.test(css)) errors.push("CSS contains an @font-face rule");
if (!css.toLowerCase().includes("#1d5c63")) errors.push("brand colour #1d5c63 not found in CSS");

if (errors.length) {
  console.error("\nBuild FAILED:\n  " + errors.join("\n  "));
  process.exit(1);
}
console.log("\nBuild OK");
