"""One tree of errors for all of laneway.

::

    LanewayError
    ├── ConfigError                 bad config or catalog file (carries the field path)
    ├── ClassifierError             weights missing or unreadable
    ├── InputError                  bad CLI / file input (one-line message, non-zero exit)
    └── HTTPError                   renders as OpenAI's {"error": {message, type, param, code}}
        ├── BadRequestError         400 invalid_request_error
        │   ├── ContextLengthError  400 context_length_exceeded
        │   └── NoCandidateError    400 every candidate model was dropped by a hard constraint
        ├── AuthenticationError     401
        ├── PermissionDeniedError   403
        ├── NotFoundError           404
        ├── RequestTooLargeError    413
        ├── RateLimitError          429 rate_limit_exceeded
        │   ├── RateLimitedError    429 a key's or model's limit, with Retry-After + x-ratelimit-*
        │   │   └── ModelSaturatedError  the model's TPM for the tier is gone (spill hint)
        │   └── InsufficientQuotaError 429 insufficient_quota
        │       └── BudgetExhaustedError a key's budget cannot cover the request
        ├── InternalError           500
        │   └── LimitsUnavailableError 503 the limits/budget store is unreachable (fail closed)
        └── UpstreamError           502 upstream failure after retries and fallbacks
            ├── UpstreamUnavailableError 503
            └── UpstreamTimeoutError     504

HTTP-facing errors carry ``status_code``, ``type`` and ``code`` as class attributes; one
handler renders them (:meth:`HTTPError.to_body`) with the extra response headers in
:attr:`HTTPError.headers` (``Retry-After``, ``x-ratelimit-*``; empty for most errors).
"""

from __future__ import annotations

import math
from collections.abc import Mapping


class LanewayError(Exception):
    """Root of every error laneway raises on purpose."""


class ConfigError(LanewayError):
    """A config or catalog value is wrong; ``path`` names the field (``models.gpt-5.4-mini.price``)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        super().__init__(f"{path}: {message}" if path else message)


class ClassifierError(LanewayError):
    """The lane classifier's weights are missing or unreadable."""


class InputError(LanewayError):
    """Bad user input to a CLI command or file reader."""


class HTTPError(LanewayError):
    status_code: int = 500
    type: str = "server_error"
    code: str | None = None

    def __init__(self, message: str, *, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        if code is not None:
            self.code = code

    @property
    def headers(self) -> dict[str, str]:
        """Extra response headers for this error; subclasses that rate-limit fill it."""
        return {}

    def to_body(self) -> dict[str, object]:
        return {
            "error": {
                "message": self.message,
                "type": self.type,
                "param": self.param,
                "code": self.code,
            }
        }


class BadRequestError(HTTPError):
    status_code = 400
    type = "invalid_request_error"


class ContextLengthError(BadRequestError):
    code = "context_length_exceeded"


class NoCandidateError(BadRequestError):
    code = "no_candidate_model"


class AuthenticationError(HTTPError):
    status_code = 401
    type = "invalid_request_error"
    code = "invalid_api_key"


class PermissionDeniedError(HTTPError):
    status_code = 403
    type = "permission_error"
    code = "permission_denied"


class NotFoundError(HTTPError):
    status_code = 404
    type = "invalid_request_error"
    code = "not_found"


class RequestTooLargeError(HTTPError):
    status_code = 413
    type = "invalid_request_error"
    code = "request_too_large"


class RateLimitError(HTTPError):
    status_code = 429
    type = "rate_limit_error"
    code = "rate_limit_exceeded"


class InsufficientQuotaError(RateLimitError):
    type = "insufficient_quota"
    code = "insufficient_quota"


class RateLimitedError(RateLimitError):
    """429 with ``Retry-After`` and the ``x-ratelimit-*`` headers of the limit that refused."""

    def __init__(self, message: str, *, retry_after_s: float, rate_headers: Mapping[str, str]) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
        self.rate_headers = dict(rate_headers)

    @property
    def headers(self) -> dict[str, str]:
        return {
            "retry-after": str(max(1, math.ceil(self.retry_after_s))),
            "retry-after-ms": str(max(1, math.ceil(self.retry_after_s * 1000))),
            **self.rate_headers,
        }


class ModelSaturatedError(RateLimitedError):
    """The model's TPM headroom (for the account's tier) is gone.

    ``spill_allowed``: the lane's policy lets the gateway re-decide without ``model``.
    """

    def __init__(
        self, message: str, *, model: str, lane: str, spill_allowed: bool, retry_after_s: float,
        rate_headers: Mapping[str, str],
    ) -> None:  # fmt: skip
        super().__init__(message, retry_after_s=retry_after_s, rate_headers=rate_headers)
        self.model = model
        self.lane = lane
        self.spill_allowed = spill_allowed


class BudgetExhaustedError(InsufficientQuotaError):
    """429 ``insufficient_quota``: the key's budget for this period cannot cover the request."""

    def __init__(self, message: str, *, key_id: str, resets_at: float | None) -> None:
        super().__init__(message)
        self.key_id = key_id
        self.resets_at = resets_at


class InternalError(HTTPError):
    status_code = 500
    type = "server_error"
    code = "internal_error"


class ServerOverloadedError(InternalError):
    """More requests in flight than ``server.max_in_flight``: refused before any work."""

    status_code = 503
    code = "server_overloaded"


class LimitsUnavailableError(InternalError):
    """The rate-limit / budget store cannot be reached: refuse rather than admit unmetered."""

    status_code = 503
    code = "limits_unavailable"


class LedgerUnavailableError(InternalError):
    """The spend ledger is too far behind its store: refuse rather than serve unaccounted."""

    status_code = 503
    code = "ledger_unavailable"


class UpstreamError(HTTPError):
    status_code = 502
    type = "server_error"
    code = "upstream_error"


class UpstreamUnavailableError(UpstreamError):
    status_code = 503
    code = "upstream_unavailable"


class UpstreamTimeoutError(UpstreamError):
    status_code = 504
    code = "upstream_timeout"
