#!/usr/bin/env python3
"""Browser check of the /api/docs page (run by scripts/check_docs.sh).

Drives Debian's headless Chromium through chromedriver (python3-selenium)
against a running server, as a person would: the page loads Swagger UI from
the addon, lists every path of /api/openapi.json, and "Authorize" with the key,
"Try it out" and "Execute" on /api/provinsi/{code} with 32 shows a 200 answer
with JAWA BARAT. Saves a screenshot.

    URL=http://localhost:8069 KEY=<api key> python3 scripts/check_docs.py [PNG]

Exit status 0 when every check passed; the last line says "N passed, N failed".
"""

import json
import os
import shutil
import sys
import tempfile
import time
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1400,1800",
)
DETAIL_PATH = "/api/provinsi/{code}"
TIMEOUT = 30
LOGOUT_BUTTON = ".//button[normalize-space()='Logout']"
CLOSE_BUTTON = ".//button[normalize-space()='Close']"


class Checker:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, ok, what, detail=""):
        if ok:
            self.passed += 1
            print(f"ok   {what}")
        else:
            self.failed += 1
            print(f"FAIL {what}{': ' + detail if detail else ''}")
        return ok


def find_binary(*names):
    for name in names:
        path = shutil.which(name)
        if path:
            return path
    sys.exit(
        f"none of {', '.join(names)} found: apt-get install chromium chromium-driver"
    )


def fetch_document(url):
    with urllib.request.urlopen(f"{url}/api/openapi.json", timeout=TIMEOUT) as answer:
        return answer.status, json.load(answer)


def make_driver(profile):
    options = webdriver.ChromeOptions()
    options.binary_location = find_binary("chromium", "chromium-browser")
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = Service(executable_path=find_binary("chromedriver"))
    return webdriver.Chrome(service=service, options=options)


def wait(driver, condition, timeout=TIMEOUT):
    return WebDriverWait(driver, timeout).until(condition)


def console_errors(driver):
    """Severe console messages: script errors, CSP violations, failed loads."""
    errors = []
    for entry in driver.get_log("browser"):
        if entry.get("level") == "SEVERE" and "favicon.ico" not in entry["message"]:
            errors.append(entry["message"])
    return errors


def try_detail(driver, checker, key):
    """Authorize, then Try it out / Execute on /api/provinsi/{code} with 32."""
    driver.find_element(By.CSS_SELECTOR, ".auth-wrapper button.authorize").click()
    modal = wait(
        driver, ec.visibility_of_element_located((By.CSS_SELECTOR, ".modal-ux"))
    )
    key_input = modal.find_element(By.CSS_SELECTOR, ".auth-container input")
    key_input.send_keys(key)
    modal.find_element(By.CSS_SELECTOR, "button.modal-btn.authorize").click()
    wait(driver, lambda d: modal.find_elements(By.XPATH, LOGOUT_BUTTON))
    checker.check(True, "Authorize accepted the API key")
    modal.find_element(By.XPATH, CLOSE_BUTTON).click()
    wait(driver, ec.invisibility_of_element_located((By.CSS_SELECTOR, ".modal-ux")))

    path = driver.find_element(
        By.CSS_SELECTOR, f'.opblock-summary-path[data-path="{DETAIL_PATH}"]'
    )
    block = path.find_element(By.XPATH, "./ancestor::div[contains(@class,'opblock ')]")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", block)
    block.find_element(By.CSS_SELECTOR, ".opblock-summary-control").click()
    wait(driver, lambda d: block.find_elements(By.CSS_SELECTOR, ".try-out__btn"))
    block.find_element(By.CSS_SELECTOR, ".try-out__btn").click()
    code_input = wait(
        driver,
        lambda d: block.find_element(
            By.CSS_SELECTOR, 'tr[data-param-name="code"] input'
        ),
    )
    code_input.clear()
    code_input.send_keys("32")
    block.find_element(By.CSS_SELECTOR, "button.execute").click()
    status = wait(
        driver,
        lambda d: block.find_element(
            By.CSS_SELECTOR, ".live-responses-table .response .response-col_status"
        ),
    )
    body = wait(
        driver,
        lambda d: block.find_element(
            By.CSS_SELECTOR,
            ".live-responses-table .response .response-col_description pre",
        ),
    )
    checker.check(
        status.text.strip().startswith("200"), "Execute answered 200", status.text
    )
    checker.check("JAWA BARAT" in body.text, "the answer shows JAWA BARAT", body.text)
    curl = block.find_element(By.CSS_SELECTOR, ".curl-command").text
    checker.check("X-API-Key" in curl, "the request sent the X-API-Key header", curl)
    checker.check(key not in driver.current_url, "the key is not in the page URL")
    driver.execute_script("arguments[0].scrollIntoView({block: 'start'});", block)
    return block


def main():
    url = os.environ.get("URL", "http://localhost:8069").rstrip("/")
    key = os.environ.get("KEY", "")
    screenshot = sys.argv[1] if len(sys.argv) > 1 else "/tmp/wilayah-docs.png"
    if not key:
        sys.exit("KEY is not set: the API key of the server (make -s key)")
    checker = Checker()

    status, document = fetch_document(url)
    checker.check(status == 200, "/api/openapi.json answers 200 without a key")
    checker.check(
        str(document.get("openapi", "")).startswith("3.1"),
        "the document is OpenAPI 3.1",
    )
    paths = set(document.get("paths", {}))

    profile = tempfile.mkdtemp(prefix="wilayah-docs-chromium-")
    driver = make_driver(profile)
    try:
        driver.get(f"{url}/api/docs")
        try:
            wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, ".opblock")))
        except TimeoutException:
            checker.check(
                False, "Swagger UI rendered operations", driver.page_source[:500]
            )
            raise
        checker.check(
            "Wilayah Indonesia API" in driver.title, "page title", driver.title
        )
        shown = {
            element.get_attribute("data-path")
            for element in driver.find_elements(
                By.CSS_SELECTOR, ".opblock-summary-path"
            )
        }
        checker.check(
            shown == paths,
            f"the page lists every path of the document ({len(paths)})",
            f"missing {sorted(paths - shown)}, extra {sorted(shown - paths)}",
        )
        checker.check(
            bool(
                driver.find_elements(By.CSS_SELECTOR, ".auth-wrapper button.authorize")
            ),
            "the page has an Authorize button",
        )
        block = try_detail(driver, checker, key)
        time.sleep(0.5)  # let the answer's syntax highlighting settle
        errors = console_errors(driver)
        checker.check(
            not errors, "no console error (CSP, script, load)", "\n".join(errors)
        )
        driver.execute_script(
            "window.scrollTo(0, arguments[0].getBoundingClientRect().top"
            " + window.scrollY - 10);",
            block,
        )
        # The curl sample shows the key: blur it before the screenshot.
        driver.execute_script(
            "document.querySelectorAll('.curl-command, .auth-container input')"
            ".forEach((element) => { element.style.filter = 'blur(4px)'; });"
        )
        driver.save_screenshot(screenshot)
        checker.check(
            os.path.getsize(screenshot) > 10_000, f"screenshot saved: {screenshot}"
        )
    except Exception as error:  # report, then count as a failure
        checker.check(False, "the browser check ran to its end", repr(error))
        try:
            driver.save_screenshot(screenshot)
            print(f"screenshot of the failure: {screenshot}")
        except Exception:  # noqa: S110 - best effort only
            pass
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
    print(f"{checker.passed} passed, {checker.failed} failed")
    return 1 if checker.failed else 0


if __name__ == "__main__":
    sys.exit(main())
