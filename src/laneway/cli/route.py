"""``laneway route``: explain one decision for a task text or a whole wire request."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from laneway.cli.common import engine_from, fail, user_errors
from laneway.engine import Engine
from laneway.lanes.lane import Surface
from laneway.policy import Decision


def endpoint_of(body: dict[str, Any]) -> str:
    """``chat`` for a Chat Completions body, ``responses`` for a Responses body."""
    if "messages" in body:
        return "chat"
    if "input" in body:
        return "responses"
    raise ValueError("neither 'messages' (Chat Completions) nor 'input' (Responses) is present")


def _read_request(path: Path) -> dict[str, Any]:
    try:
        body = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise fail(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot read: {exc}") from None
    except json.JSONDecodeError as exc:
        raise fail(f"{path}: invalid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(body, dict):
        raise fail(f"{path}: expected a JSON object (a Chat or Responses request body)")
    return body


def _parse_headers(values: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip():
            raise fail(f"--header {value!r}: expected 'Name: value'")
        headers[name.strip().lower()] = rest.strip()
    return headers


def _decide_request(engine: Engine, path: Path, headers: dict[str, str]) -> Decision:
    body = _read_request(path)
    try:
        endpoint = endpoint_of(body)
    except ValueError as exc:
        raise fail(f"{path}: {exc}") from None
    with user_errors():
        return engine.decide(body, endpoint=endpoint, headers=headers)


def render(decision: Decision, console: Console, title: str | None = None) -> None:
    # reasons, model names and file names are data: a "[n]" in them is not console markup
    table = Table(title=None if title is None else escape(title), show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column()
    table.add_row("lane", decision.lane.value + (" (forced)" if decision.forced else ""))
    table.add_row("model", escape(decision.model))
    table.add_row("confidence", f"{decision.confidence:.2f}")
    table.add_row(
        "est. cost",
        f"${decision.estimated_cost_usd:.6f} (~{decision.estimated_input_tokens} input tokens)",
    )
    for i, reason in enumerate(decision.reasons):
        table.add_row("why" if i == 0 else "", escape(reason))
    for i, c in enumerate(decision.candidates):
        mark = "[green]kept[/]" if c.kept else "[red]dropped[/]"
        table.add_row("candidates" if i == 0 else "", f"{escape(c.model)}: {mark} ({escape(c.why)})")
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command()
    def route(
        text: Annotated[str | None, typer.Argument(help="The task text to route.")] = None,
        request: Annotated[
            Path | None,
            typer.Option("--request", "-r", help="A whole Chat or Responses body (JSON file)."),
        ] = None,
        examples: Annotated[
            Path | None, typer.Option(help="Route every *.json request in this folder.")
        ] = None,
        tools: Annotated[
            str,
            typer.Option(help="Comma-separated tools the request declares (web_search, exec_command...)."),
        ] = "",
        images: Annotated[int, typer.Option(min=0, help="Images attached to the task.")] = 0,
        surface: Annotated[str, typer.Option(help="api | codex-local | codex-cloud | codex-review")] = "api",
        header: Annotated[
            list[str] | None,
            typer.Option("--header", "-H", help="Request header 'Name: value' (repeatable)."),
        ] = None,
        config: Annotated[Path | None, typer.Option(help="laneway config file (YAML).")] = None,
        classifier: Annotated[
            Path | None, typer.Option(help="Classifier weights from laneway train.")
        ] = None,
        codex_threshold: Annotated[
            float | None,
            typer.Option(
                help="The cost/quality knob (policy.codex_threshold), e.g. 0.7 for fewer codex calls."
            ),
        ] = None,
        as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
    ) -> None:
        """Explain the routing decision for a task text or a wire request."""
        given = [x for x in (text, request, examples) if x is not None]
        if len(given) != 1:
            raise fail("give exactly one of TEXT, --request FILE or --examples DIR")
        try:
            surf = Surface.parse(surface)
        except ValueError as exc:
            raise fail(str(exc)) from None
        with user_errors():
            engine = engine_from(config, classifier, codex_threshold=codex_threshold)
        console = Console()
        headers = _parse_headers(header or [])
        if examples is not None:
            files = sorted(examples.glob("*.json"))
            if not files:
                raise fail(f"{examples}: no *.json requests found")
            results = [(f, _decide_request(engine, f, headers)) for f in files]
            if as_json:
                print(json.dumps({f.name: d.to_dict() for f, d in results}, indent=2))
            else:
                for f, d in results:
                    render(d, console, title=f.name)
                    console.print()
            return
        if request is not None:
            decision = _decide_request(engine, request, headers)
        else:
            tool_list = [t.strip() for t in tools.split(",") if t.strip()]
            with user_errors():
                decision = engine.decide_text(text or "", tools=tool_list, images=images, surface=surf)
        if as_json:
            print(json.dumps(decision.to_dict(), indent=2))
        else:
            render(decision, console)
