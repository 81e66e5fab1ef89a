"""gunicorn.conf.py as gunicorn reads it for the Procfile's ``web:`` process."""

import gc
import shlex

import pytest

from tests.deploy.live import gunicorn_settings, platform_env, procfile

WEB = shlex.split(procfile("web"))


def test_the_application_is_preloaded_and_workers_are_recycled_rarely():
    settings = gunicorn_settings(WEB, platform_env(5000))
    assert settings["preload_app"] is True
    assert settings["max_requests"] == 100_000
    assert settings["max_requests_jitter"] == 10_000
    assert settings["worker_class"] == "sync" and settings["threads"] == 1
    assert settings["workers"] == 2 and settings["bind"] == ["0.0.0.0:5000"]


@pytest.mark.parametrize(("requests", "jitter"), [("0", 0), ("5000", 500)])
def test_the_recycle_interval_is_set_by_the_environment_and_its_jitter_follows(requests, jitter):
    settings = gunicorn_settings(WEB, platform_env() | {"GUNICORN_MAX_REQUESTS": requests})
    assert settings["max_requests"] == int(requests)
    assert settings["max_requests_jitter"] == jitter


def test_the_master_puts_the_loaded_application_out_of_the_collectors_reach_before_a_fork():
    settings = gunicorn_settings(WEB, platform_env())
    gc.unfreeze()
    try:
        settings["pre_fork"](None, None)
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
