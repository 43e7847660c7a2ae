"""Take docs/screenshots/team-qa-page.png: the demo team manager's QA page of their team.

Run against a server with the demo data (`make run`, or `manage.py seed_demo` then
`manage.py refresh_indicators --organisation 970` and any server), with Debian's
Chromium through Playwright (never `playwright install`):

    python docs/screenshots/take_team_qa_page.py http://127.0.0.1:8000
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
LOGIN, PASSWORD = "team.manager@demoshire.example", "demo-sightline-2026"
OUT = Path(__file__).with_name("team-qa-page.png")


def main(base: str) -> None:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1500}, device_scale_factor=1)
        page.goto(f"{base}/accounts/login/")
        page.locator("input[name=login]").fill(LOGIN)
        page.locator("input[name=password]").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        page.get_by_role("link", name="Quality").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT), full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
