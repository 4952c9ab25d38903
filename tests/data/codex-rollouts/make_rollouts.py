"""Make real Codex CLI session rollouts for the planner's tests.

Runs the real Codex CLI (``npm install @openai/codex@0.169.0`` into /tmp/codex-cli, or set CODEX_BIN)
against laneway's simulated OpenAI upstream (``laneway.upstream.simulated``), for several prompts
of different lanes, including turns with tool calls (the simulated upstream answers a prompt that
mentions a tool with an ``exec_command`` call, then a message once the tool output comes back) and
a resumed session whose history piles up shell calls. The rollouts Codex writes under
``$CODEX_HOME/sessions/`` are copied here with the temporary paths anonymised.

    .venv/bin/python tests/data/codex-rollouts/make_rollouts.py
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from laneway.upstream.simulated import SimulatedServer, SimulatedSettings

HERE = Path(__file__).resolve().parent
CODEX = os.environ.get("CODEX_BIN", "/tmp/codex-cli/node_modules/.bin/codex")
#: 1x1 PNG, for a turn with an image attached.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e5270ddc0000000049454e44ae426082"
)
#: (model, prompt, resumes, extra args): one session each.
SESSIONS: tuple[tuple[str, str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("gpt-5.4-mini", "Summarise what this project does in two sentences for the README.", (), ()),
    (
        "gpt-5.3-codex",
        "Use a tool to run make test and show me why the build fails.",
        (
            "Use the tool again to rerun make test with verbose output.",
            "Use the tool once more to run the linter over the build scripts.",
        ),
        (),
    ),
    ("gpt-5.4-mini", "Use a tool to list the files in the repository.", (), ()),
    (
        "gpt-5.3-codex",
        "Implement a retry decorator with exponential backoff for the HTTP client module, "
        "refactor every caller to use it and add unit tests for the new behaviour.",
        (),
        (),
    ),
    (
        "gpt-5.4-mini",
        "Look at this screenshot of the settings dialog and click the Save button.",
        (),
        ("-i",),
    ),
)


def codex_args(port: int, model: str) -> list[str]:
    provider = (
        f'model_providers.local={{name="local",base_url="http://127.0.0.1:{port}/v1",'
        'wire_api="responses",env_key="LOCAL_KEY",supports_websockets=false}'
    )
    return ["--skip-git-repo-check", "-c", f"model={model}", "-c", "model_provider=local", "-c", provider]


def run(args: list[str], env: dict[str, str], cwd: Path) -> None:
    done = subprocess.run(args, env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        sys.stderr.write(f"codex failed ({done.returncode}): {' '.join(args[:3])}\n{done.stderr[-2000:]}\n")


def run_sessions(port: int, home: Path, project: Path) -> None:
    env = {**os.environ, "CODEX_HOME": str(home), "LOCAL_KEY": "x", "NO_COLOR": "1"}
    image = project / "screenshot.png"
    image.write_bytes(PNG)
    for model, prompt, resumes, extra in SESSIONS:
        flags = codex_args(port, model)
        attach = ["-i", str(image), "--"] if "-i" in extra else []
        run([CODEX, "exec", *flags, *attach, prompt], env, project)
        for follow_up in resumes:
            run([CODEX, "exec", *flags, "resume", "--last", follow_up], env, project)
    # Codex's /review: a review sub-agent over the uncommitted change in a git repository.
    git = ["git", "-c", "user.name=dev", "-c", "user.email=dev@example.com"]
    for args in (["init", "-q"], ["add", "-A"], ["commit", "-qm", "init"]):
        run([*git, *args], env, project)
    (project / "Makefile").write_text("test:\n\tpython -m pytest -q\n")
    run([CODEX, "exec", "review", *codex_args(port, "gpt-5.3-codex"), "--uncommitted"], env, project)


def anonymise(text: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        text = text.replace(old, new)
    return text


async def main() -> None:
    settings = SimulatedSettings(cached_fraction=0.5, reasoning_tokens=16, seed=7)
    with tempfile.TemporaryDirectory(prefix="laneway-rollouts-") as tmp:
        home, project = Path(tmp) / "codex-home", Path(tmp) / "project"
        home.mkdir()
        project.mkdir()
        (project / "Makefile").write_text("test:\n\tfalse\n")
        async with SimulatedServer(settings) as server:
            await asyncio.to_thread(run_sessions, server.port, home, project)
        replacements = {str(project): "/home/user/project", str(home): "/home/user/.codex", tmp: "/tmp/x"}
        out = HERE / "sessions"
        shutil.rmtree(out, ignore_errors=True)
        for rollout in sorted((home / "sessions").rglob("rollout-*.jsonl")):
            target = out / rollout.relative_to(home / "sessions")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(anonymise(rollout.read_text("utf-8"), replacements), "utf-8")
            print(target.relative_to(HERE))


if __name__ == "__main__":
    asyncio.run(main())
