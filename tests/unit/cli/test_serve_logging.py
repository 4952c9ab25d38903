from __future__ import annotations

import logging
import logging.config

import pytest

from laneway.cli.serve import log_config


@pytest.mark.parametrize(
    ("level", "expected"), [("info", logging.INFO), ("WARNING", logging.WARNING), ("trace", 5)]
)
def test_laneway_loggers_log_on_uvicorns_handler_at_the_chosen_level(level: str, expected: int) -> None:
    config = log_config(level)
    assert config["loggers"]["laneway"] == {"handlers": ["default"], "level": expected, "propagate": False}
    assert "uvicorn" in config["loggers"]  # uvicorn's own set-up is kept


def test_the_config_is_accepted_by_logging_and_reaches_laneway_loggers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    logging.config.dictConfig(log_config("info"))
    try:
        logging.getLogger("laneway.gateway").info("shutdown: done")
        logging.getLogger("laneway.gateway").debug("not shown at info")
        err = capsys.readouterr().err
        assert "shutdown: done" in err
        assert "not shown" not in err
    finally:
        logging.getLogger("laneway").handlers.clear()
        logging.getLogger("laneway").propagate = True
        logging.getLogger("laneway").setLevel(logging.NOTSET)


def test_an_unknown_level_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown log level 'loud'"):
        log_config("loud")
