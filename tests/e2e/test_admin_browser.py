"""End to end in headless Chromium: a staff member signs in to the admin site, finds a user,
and bans them, or revokes one of their sessions; the API then refuses the token(s) concerned.
Or unlinks one of their wallets, which then signs in to a new account while the account's
other wallet still signs in to it.

Needs Debian's ``chromium`` and ``chromium-driver`` (``make e2e-deps``). Where they are not
installed the test is skipped with that message, except in CI (``CI=true``), where it fails.
"""

import json
import shutil
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import Role, User
from audit.models import AuditAction, AuditEvent
from config.env import env_str
from tests.wallets import Wallet

CHROMIUM = env_str("CHROMIUM_BINARY", "/usr/bin/chromium")
CHROMEDRIVER = env_str("CHROMEDRIVER_BINARY", "/usr/bin/chromedriver")
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
STAFF_PASSWORD = "e2e-staff-password-42"


def _require_chromium() -> None:
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not shutil.which(path)]
    if not missing:
        return
    message = f"Chromium not installed ({', '.join(missing)} missing); run `make e2e-deps`"
    if env_str("CI", "").lower() == "true":
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture
def browser(tmp_path):
    _require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1400,1000",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    driver.implicitly_wait(5)
    try:
        yield driver
    finally:
        driver.quit()


def _api(base: str, method: str, path: str, body: dict | None = None, token: str | None = None):
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(base + path, data=data, headers=headers, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _staff_signs_in(browser, base: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    browser.get(base + "/admin/")
    browser.find_element(By.NAME, "username").send_keys("moderator")
    browser.find_element(By.NAME, "password").send_keys(STAFF_PASSWORD)
    browser.find_element(By.CSS_SELECTOR, "input[type=submit]").click()
    # Signed in once the index's user tools are there: the next get() must not cut the
    # sign-in's POST short (the login page has the same title).
    WebDriverWait(browser, 15).until(lambda driver: driver.find_elements(By.ID, "user-tools"))
    assert "Launchpad Auth" in browser.title


def _find_user(browser, address: str) -> list:
    """Search the users' list for the wallet; its one row."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    browser.find_element(By.LINK_TEXT, "Users").click()
    search = browser.find_element(By.ID, "searchbar")
    search.send_keys(address)
    browser.find_element(By.CSS_SELECTOR, "#changelist-search input[type=submit]").click()
    # Wait for the searched list: right after the click the old, unfiltered page may still
    # be the one the driver sees.
    WebDriverWait(browser, 15).until(lambda driver: "q=" in driver.current_url)
    rows = _result_rows(browser)
    assert len(rows) == 1 and address in rows[0].text
    return rows


@pytest.mark.django_db(transaction=True)
def test_staff_bans_a_user_in_the_browser_and_the_api_refuses_its_token(live_server, browser):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select

    User.objects.create_user(username="moderator", password=STAFF_PASSWORD, role=Role.ADMIN)
    wallet = Wallet()
    status, body = _api(live_server.url, "POST", "/auth/login", wallet.login_body())
    assert status == 201, body
    token = body["token"]
    assert _api(live_server.url, "GET", "/auth/my-profile", token=token)[0] == 200

    # The staff member signs in to the admin site.
    _staff_signs_in(browser, live_server.url)
    assert browser.find_element(By.ID, "count-users").text == "2"

    # Finds the user by wallet address.
    rows = _find_user(browser, wallet.address)

    # Bans them with the list action.
    rows[0].find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("ban_users")
    browser.find_element(By.CSS_SELECTOR, "button[name=index]").click()
    assert "Banned: 1 account(s)." in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text

    ARTIFACTS.mkdir(exist_ok=True)
    browser.get(live_server.url + "/admin/accounts/user/")
    assert browser.save_screenshot(str(ARTIFACTS / "admin-users.png"))

    # The API refuses the banned user's token on the next request, and sign-in too.
    status, body = _api(live_server.url, "GET", "/auth/my-profile", token=token)
    assert status == 401
    assert body == {"statusCode": 401, "message": "Token has been revoked", "error": "Unauthorized"}
    assert _api(live_server.url, "POST", "/auth/login", wallet.login_body())[0] == 403
    ban = AuditEvent.objects.get(action=AuditAction.USER_BANNED)
    assert ban.actor is not None and ban.actor.username == "moderator"
    assert ban.detail["via"] == "admin"


@pytest.mark.django_db(transaction=True)
def test_staff_revokes_one_session_in_the_browser_and_the_api_refuses_only_its_token(
    live_server, browser
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait

    User.objects.create_user(username="moderator", password=STAFF_PASSWORD, role=Role.ADMIN)
    wallet = Wallet()
    stolen = _api(live_server.url, "POST", "/auth/login", wallet.login_body())[1]
    kept = _api(live_server.url, "POST", "/auth/login", wallet.login_body())[1]
    status, sessions = _api(live_server.url, "GET", "/auth/sessions", token=kept["token"])
    assert status == 200 and len(sessions) == 2
    stolen_id = next(session["id"] for session in sessions if not session["current"])

    # The staff member finds the account, opens its sign-ins and revokes the one session.
    _staff_signs_in(browser, live_server.url)
    rows = _find_user(browser, wallet.address)
    rows[0].find_element(By.LINK_TEXT, wallet.address).click()
    browser.find_element(By.LINK_TEXT, "All sign-ins").click()
    WebDriverWait(browser, 15).until(lambda driver: "user__id__exact=" in driver.current_url)
    listed = browser.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    assert len(listed) == 2
    assert all(wallet.address in row.text for row in listed)
    browser.find_element(By.CSS_SELECTOR, f"input.action-select[value='{stolen_id}']").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("revoke_sign_ins")
    browser.find_element(By.CSS_SELECTOR, "button[name=index]").click()
    assert "Revoked 1 session(s)." in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text

    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "admin-sign-ins.png"))

    # The revoked session's tokens are refused on the next request; the other goes on.
    status, body = _api(live_server.url, "GET", "/auth/my-profile", token=stolen["token"])
    assert status == 401
    assert body == {"statusCode": 401, "message": "Token has been revoked", "error": "Unauthorized"}
    refresh = {"refreshToken": stolen["refreshToken"]}
    assert _api(live_server.url, "POST", "/auth/refresh", refresh)[0] == 401
    status, sessions = _api(live_server.url, "GET", "/auth/sessions", token=kept["token"])
    assert status == 200
    assert [session["current"] for session in sessions] == [True]
    assert sessions[0]["id"] != stolen_id
    revoked = AuditEvent.objects.get(action=AuditAction.SESSIONS_REVOKED)
    assert revoked.actor is not None and revoked.actor.username == "moderator"
    assert revoked.detail["signInId"] == stolen_id and revoked.detail["via"] == "admin"


@pytest.mark.django_db(transaction=True)
def _result_rows(browser) -> list:
    """The change list's rows, once the page that has them is there: a click's navigation
    may still be loading when the address bar already shows the new URL."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    return WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, "#result_list tbody tr")
    )


def test_staff_unlink_a_wallet_in_the_browser_and_it_no_longer_signs_in_to_the_account(
    live_server, browser
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.select import Select
    from selenium.webdriver.support.wait import WebDriverWait

    User.objects.create_user(username="moderator", password=STAFF_PASSWORD, role=Role.ADMIN)
    primary, linked = Wallet(), Wallet()
    status, body = _api(live_server.url, "POST", "/auth/login", primary.login_body())
    assert status == 201, body
    account, token = body["user"]["id"], body["token"]
    status, linked_wallet = _api(
        live_server.url, "POST", "/auth/wallets", linked.link_body(account), token=token
    )
    assert status == 201, linked_wallet
    status, body = _api(live_server.url, "POST", "/auth/login", linked.login_body())
    assert (status, body["user"]["id"]) == (201, account)
    linked_token = body["token"]

    # The staff member opens the account's page, found by its linked wallet.
    _staff_signs_in(browser, live_server.url)
    browser.get(f"{live_server.url}/admin/accounts/user/?q={linked.address}")
    rows = _result_rows(browser)
    assert len(rows) == 1 and primary.address in rows[0].text
    rows[0].find_element(By.LINK_TEXT, primary.address).click()
    WebDriverWait(browser, 15).until(lambda driver: "/change/" in driver.current_url)
    wallets_inline = browser.find_element(By.ID, "wallets-group")
    assert primary.address in wallets_inline.text and linked.address in wallets_inline.text

    # Follows the linked wallet's "Unlink…" to the wallets list and unlinks it there.
    wallets_inline.find_element(By.LINK_TEXT, "Unlink…").click()
    WebDriverWait(browser, 15).until(lambda driver: "q=" in driver.current_url)
    rows = _result_rows(browser)
    assert len(rows) == 1 and linked.address in rows[0].text
    rows[0].find_element(By.CSS_SELECTOR, "input.action-select").click()
    Select(browser.find_element(By.NAME, "action")).select_by_value("unlink_wallets")
    browser.find_element(By.CSS_SELECTOR, "button[name=index]").click()
    assert "Unlinked: 1 wallet(s)." in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / "admin-wallet-unlinked.png"))

    # The unlinked wallet's session is over, and the wallet signs in to a new account; the
    # account's primary wallet still signs in to it.
    assert _api(live_server.url, "GET", "/auth/my-profile", token=linked_token)[0] == 401
    assert _api(live_server.url, "GET", "/auth/my-profile", token=token)[0] == 200
    status, body = _api(live_server.url, "POST", "/auth/login", linked.login_body())
    assert status == 201 and body["user"]["id"] != account
    status, body = _api(live_server.url, "POST", "/auth/login", primary.login_body())
    assert (status, body["user"]["id"]) == (201, account)
    unlinked = AuditEvent.objects.get(action=AuditAction.WALLET_UNLINKED)
    assert unlinked.actor is not None and unlinked.actor.username == "moderator"
    assert unlinked.detail == {"via": "admin", "address": linked.address, "revoked": 1}


def _insight_data() -> None:
    """A month of accounts, a week of sign-ins from several countries, refusals of each
    kind, and the three kinds of suspicious activity, written as the flows write them."""
    from datetime import timedelta

    from django.utils import timezone

    from audit.services import audit_record
    from signin.models import SignIn
    from signin.services import user_create_for_wallet

    now = timezone.now()
    countries = ["US", "US", "US", "DE", "DE", "GB", "FR", "BR", "IN", ""]
    users = [
        user_create_for_wallet(
            address=Wallet().address, created_at=now - timedelta(days=index % 30, hours=index)
        )
        for index in range(60)
    ]
    sign_ins = [
        SignIn(
            user=users[index % len(users)],
            created_at=now - timedelta(minutes=37 * index),
            refresh_jti="e2e",
            country=countries[index % len(countries)],
            revoked_at=now,
        )
        for index in range(7 * 24 * 60 // 37)
    ]
    SignIn.objects.bulk_create(sign_ins)
    reasons = ["Invalid signature"] * 5 + [
        "Signature has already been used",
        "Timestamp is outside the allowed window",
        "Timestamp is outside the allowed window",
        "Account is banned",
        "Too many new accounts from this address; try again later",
        "Message domain is not allowed",
    ]
    for index, reason in enumerate(reasons * 2):
        audit_record(
            action=AuditAction.SIGN_IN_FAILED,
            ip_address=f"198.51.100.{index}",
            detail={"reason": reason, "address": users[index].address},
        )
    # One client address creating accounts, one wallet named by many refused proofs, one
    # account holding many live sessions.
    for _ in range(12):
        farmed = user_create_for_wallet(address=Wallet().address)
        audit_record(
            action=AuditAction.SIGN_IN_SUCCEEDED,
            actor=farmed,
            subject=farmed,
            ip_address="203.0.113.7",
            detail={"signInId": "e2e", "newAccount": True},
        )
    for index in range(25):
        audit_record(
            action=AuditAction.SIGN_IN_FAILED,
            ip_address=f"192.0.2.{index % 5}",
            detail={"reason": "Invalid signature", "address": users[1].address},
        )
    SignIn.objects.bulk_create(
        SignIn(user=users[2], refresh_jti="e2e", country="US") for _ in range(11)
    )


@pytest.mark.django_db(transaction=True)
def test_staff_sees_the_dashboard_charts_and_the_suspicious_activity_page(live_server, browser):
    from django.core.cache import cache
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.wait import WebDriverWait

    cache.clear()  # closed periods are cached: another test's must not show here
    User.objects.create_user(username="moderator", password=STAFF_PASSWORD, role=Role.ADMIN)
    _insight_data()
    # A real refused sign-in through the API, counted with the others.
    wallet = Wallet()
    tampered = wallet.login_body()
    tampered["signature"] = Wallet().login_body()["signature"]
    assert _api(live_server.url, "POST", "/auth/login", tampered)[0] == 401

    _staff_signs_in(browser, live_server.url)
    for chart in ("sign-ins", "new-accounts", "refusals", "countries"):
        figure = browser.find_element(By.ID, f"chart-{chart}")
        assert figure.find_elements(By.CSS_SELECTOR, "rect.backoffice-chart-bar")
    refusals = browser.find_element(By.ID, "chart-refusals").text
    assert "bad signature" in refusals and "jurisdiction" in refusals
    ARTIFACTS.mkdir(exist_ok=True)
    browser.set_window_size(1400, 1500)  # the four charts in one picture
    assert browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))
    browser.set_window_size(1400, 1000)

    browser.find_element(By.ID, "suspicious-link").click()
    WebDriverWait(browser, 15).until(lambda driver: "suspicious" in driver.current_url)
    addresses = browser.find_element(By.ID, "suspicious-addresses").text
    assert "203.0.113.7" in addresses and "Ban these 12 accounts" in addresses
    assert " 26 " in browser.find_element(By.ID, "suspicious-wallets").text  # 25 + 1 above
    assert "11" in browser.find_element(By.ID, "suspicious-accounts").text
    assert browser.save_screenshot(str(ARTIFACTS / "suspicious.png"))

    # Bans the twelve accounts created from the one address, with the page's button.
    browser.find_element(By.CSS_SELECTOR, "#suspicious-addresses button[value=ban]").click()
    WebDriverWait(browser, 15).until(
        lambda driver: driver.find_elements(By.CSS_SELECTOR, "ul.messagelist")
    )
    assert "Banned: 12 account(s)." in browser.find_element(By.CSS_SELECTOR, "ul.messagelist").text
    bans = AuditEvent.objects.filter(action=AuditAction.USER_BANNED)
    assert bans.count() == 12
    assert set(bans.values_list("actor__username", flat=True)) == {"moderator"}
