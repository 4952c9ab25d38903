"""The admin API: ``/admin/keys`` -- create, list and revoke virtual keys over HTTP.

Only the master key opens it (401 without a key, 403 with any other); errors use OpenAI's shape.
A created key is in the reply to ``POST`` once and nowhere else::

    POST   /admin/keys          {"name", "budget_usd", "period", "rpm", "tpm", "models", "lanes",
                                 "expires"}  -> the record and its "key"
    GET    /admin/keys          -> {"object": "list", "data": [records]}
    GET    /admin/keys/{id}     -> one record
    DELETE /admin/keys/{id}     -> the revoked record
"""

from __future__ import annotations

import msgspec

from laneway.admission import Admission
from laneway.errors import BadRequestError, HTTPError, InputError, NotFoundError
from laneway.gateway.http import JSON_TYPE, Receive, Scope, Send, read_body, request_headers, send_bytes
from laneway.gateway.routing import new_id
from laneway.keys.model import VirtualKey
from laneway.keys.service import KeyService

#: Largest admin request body accepted.
MAX_ADMIN_BODY = 64 * 1024
PREFIX = "/admin/keys"


class AdminMethodNotAllowedError(HTTPError):
    status_code = 405
    type = "invalid_request_error"
    code = "method_not_allowed"


class KeyCreate(msgspec.Struct, forbid_unknown_fields=True, frozen=True):
    """The body of ``POST /admin/keys`` (the same options as ``laneway keys create``)."""

    name: str = ""
    budget_usd: float | None = None
    period: str = "total"
    rpm: int | None = None
    tpm: int | None = None
    models: list[str] = msgspec.field(default_factory=list)
    lanes: list[str] = msgspec.field(default_factory=list)
    #: ``YYYY-MM-DD`` (works through that day, UTC), an ISO date-time, or unix seconds.
    expires: str | float | None = None


def _record(record: VirtualKey, **extra: object) -> dict[str, object]:
    return {"object": "laneway.key", **record.public(), **extra}


def _parse_create(raw: bytes) -> KeyCreate:
    try:
        return msgspec.json.decode(raw or b"{}", type=KeyCreate)
    except msgspec.ValidationError as exc:
        raise BadRequestError(f"Invalid key options: {exc}") from None
    except msgspec.DecodeError:
        raise BadRequestError("We could not parse the JSON body of your request.") from None


def _expires(value: str | float | None, now: float) -> float | None:
    if value is None or isinstance(value, float | int):
        return value
    from laneway.cli.keys import parse_expires

    try:
        return parse_expires(value, now=now)
    except InputError as exc:
        raise BadRequestError(str(exc).replace("--expires", "expires"), param="expires") from None


class AdminHandler:
    """Serves ``/admin/keys``; the caller has already matched the path prefix."""

    def __init__(self, admission: Admission) -> None:
        self.admission = admission

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = request_headers(scope)
        ctx = await self.admission.authenticate(headers.get("authorization"))
        self.admission.require_master(ctx)
        service = self.admission.key_service()
        if service is None:
            raise BadRequestError(
                f"Virtual keys are off (auth.mode {self.admission.mode!r}); set auth.mode: keys "
                "to issue them",
                code="keys_disabled",
            )  # fmt: skip
        method: str = scope["method"]
        path: str = scope["path"].rstrip("/")
        if path == PREFIX:
            if method == "POST":
                raw = await read_body(receive, MAX_ADMIN_BODY, headers.get("content-length"))
                await _json(send, 200, await self._create(service, raw))
            elif method == "GET":
                keys = await service.list()
                await _json(send, 200, {"object": "list", "data": [_record(k) for k in keys]})
            else:
                raise AdminMethodNotAllowedError(f"Use GET or POST for {PREFIX}")
            return
        key_id = path.removeprefix(PREFIX + "/")
        if "/" in key_id or not path.startswith(PREFIX + "/"):
            raise NotFoundError(f"Invalid URL ({method} {path})", code="unknown_url")
        if method == "DELETE":
            await _json(send, 200, _record(await service.revoke(key_id)))
        elif method == "GET":
            key = await service.store.get(key_id)
            if key is None:
                raise NotFoundError(f"No key with id {key_id!r}", param="id")
            await _json(send, 200, _record(key))
        else:
            raise AdminMethodNotAllowedError(f"Use GET or DELETE for {PREFIX}/{{id}}")

    async def _create(self, service: KeyService, raw: bytes) -> dict[str, object]:
        opts = _parse_create(raw)
        try:
            key, record = await service.create(
                name=opts.name, budget_usd=opts.budget_usd, period=opts.period, rpm=opts.rpm,
                tpm=opts.tpm, models=opts.models, lanes=opts.lanes,
                expires=_expires(opts.expires, self.admission.clock()),
            )  # fmt: skip
        except InputError as exc:
            raise BadRequestError(str(exc)) from None
        return _record(record, key=key)


async def _json(send: Send, status: int, obj: object) -> None:
    body = msgspec.json.encode(obj)
    headers = [
        (b"x-request-id", new_id("req_").encode()),
        JSON_TYPE,
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
    ]
    await send_bytes(send, status, body, headers)
