"""config/wsgi.py: what gunicorn's master loads before it forks the workers."""

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def test_loading_the_application_imports_what_the_first_requests_would():
    """The URLconf with the views, and the token backend simplejwt imports on first use:
    loaded by the preloading master, a new worker's first requests do not import them."""
    code = (
        "import sys, config.wsgi; "
        "print(sorted({'config.urls', 'accounts.views', 'rest_framework_simplejwt.state', "
        "'jwt.algorithms'} - set(sys.modules)))"
    )
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "[]"


def test_loading_the_application_compiles_the_user_agent_rules():
    """ua-parser's default parser is made on first use (its rules loaded and compiled):
    the preloading master makes it, so no worker's first session list does."""
    code = "import config.wsgi, ua_parser; print('parser' in vars(ua_parser))"
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, check=True
    )
    assert result.stdout.strip().splitlines()[-1] == "True"
