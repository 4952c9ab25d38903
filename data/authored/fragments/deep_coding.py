"""Repository-scale bug fixing and implementation: issue texts and chat requests."""

from __future__ import annotations

import random

from fragments.common import fence, frame, maybe_lower

PROJECTS = [
    ("react-router", "TypeScript", "packages/router/lib/router.ts"),
    ("tokio", "Rust", "tokio/src/runtime/scheduler/multi_thread/worker.rs"),
    ("serde_json", "Rust", "src/de.rs"),
    ("fastapi", "Python", "fastapi/routing.py"),
    ("pydantic", "Python", "pydantic/_internal/_generate_schema.py"),
    ("pandas", "Python", "pandas/core/groupby/groupby.py"),
    ("prometheus/client_golang", "Go", "prometheus/registry.go"),
    ("hashicorp/consul", "Go", "agent/consul/state/catalog.go"),
    ("spring-boot", "Java", "spring-boot-project/spring-boot/src/main/java/org/springframework/boot/SpringApplication.java"),
    ("rails", "Ruby", "activerecord/lib/active_record/associations/preloader.rb"),
    ("vite", "TypeScript", "packages/vite/src/node/server/hmr.ts"),
    ("eslint", "JavaScript", "lib/linter/linter.js"),
    ("prettier", "JavaScript", "src/language-js/print/member-chain.js"),
    ("axios", "JavaScript", "lib/adapters/http.js"),
    ("celery", "Python", "celery/worker/consumer/consumer.py"),
    ("httpx", "Python", "httpx/_client.py"),
    ("vue", "TypeScript", "packages/runtime-core/src/componentProps.ts"),
    ("kubernetes/client-go", "Go", "tools/cache/reflector.go"),
    ("our monorepo", "TypeScript", "services/orders/src/handlers/checkout.ts"),
    ("the backend", "Python", "app/services/billing/invoices.py"),
    ("the mobile app", "Kotlin", "app/src/main/java/com/acme/sync/SyncWorker.kt"),
    ("our API server", "Go", "internal/http/middleware/ratelimit.go"),
    ("the data pipeline", "Scala", "jobs/src/main/scala/etl/Dedup.scala"),
    ("the desktop client", "C++", "src/net/connection_pool.cpp"),
]
SYMPTOMS = [
    "raises {exc} when the input contains a trailing slash",
    "silently drops the last element when the page size divides the total exactly",
    "leaks a goroutine / task for every cancelled request",
    "returns stale data after an update because the cache key ignores the tenant id",
    "deadlocks under load when two workers acquire the locks in opposite order",
    "produces an off-by-one in the pagination cursor",
    "ignores the timeout passed to the constructor",
    "serialises datetimes without the timezone, so clients see the wrong time",
    "crashes with {exc} on Windows because of the path separator",
    "double-charges the customer if the webhook is retried",
    "does not respect the `exclude_none` option for nested models",
    "breaks hot module reload when a file is renamed",
    "reports the wrong line number for errors inside template literals",
    "loses headers set by middleware when the response is streamed",
    "regressed in the last minor release: the `strict` flag is no longer honoured",
    "throws {exc} when the config file is empty instead of using defaults",
    "is O(n^2) on large inputs; 50k rows takes minutes",
    "fails to reconnect after the broker restarts",
]
EXCS = ["TypeError", "KeyError", "AttributeError", "ValueError", "NullPointerException",
        "IndexError", "a panic (index out of range)", "RecursionError", "UnicodeDecodeError",
        "ConcurrentModificationException", "an unhandled promise rejection"]
FEATURES = [
    "add support for async context managers to the session API",
    "implement cursor-based pagination for the /orders endpoint across the repository, service and handler layers",
    "migrate the whole codebase from moment.js to date-fns",
    "add an optional `retry` policy to the HTTP client with exponential backoff and jitter, with tests",
    "replace the hand-rolled config parser with pydantic-settings and keep backwards compatibility",
    "split the 3000-line `utils.py` into cohesive modules without changing the public API",
    "implement soft delete for users, including the admin views and the GDPR export",
    "add OpenTelemetry tracing to every outgoing database and HTTP call",
    "port the CLI from argparse to click and keep all existing flags working",
    "make the scheduler support cron expressions with seconds",
    "introduce a plugin system so third parties can register new exporters",
    "add multi-tenant isolation to the search index",
    "implement the `--dry-run` flag for the migrate command end to end",
    "support streaming responses in the proxy without buffering the whole body",
    "refactor the payment flow so that Stripe and Adyen share one provider interface",
    "add a read-through cache in front of the product catalog service with invalidation on writes",
    "upgrade the project from Django 3.2 to 5.0 and fix everything that breaks",
    "rewrite the rate limiter to use a sliding window and make it safe across replicas",
    "add i18n to the settings pages and extract all hard-coded strings",
    "implement rename detection in the diff engine",
]
TRACE_PY = """Traceback (most recent call last):
  File "{mod}/cli.py", line 88, in main
    result = run(args)
  File "{mod}/core.py", line 214, in run
    return self._dispatch(payload)
  File "{mod}/core.py", line 301, in _dispatch
    handler = self.handlers[payload.kind]
KeyError: 'batch'"""
TRACE_JAVA = """java.lang.NullPointerException: Cannot invoke "String.length()" because "name" is null
    at com.acme.{mod}.NameValidator.validate(NameValidator.java:42)
    at com.acme.{mod}.UserService.create(UserService.java:118)
    at com.acme.{mod}.UserController.post(UserController.java:57)"""
TRACE_JS = """TypeError: Cannot read properties of undefined (reading 'map')
    at renderList (src/components/{mod}/List.tsx:23:18)
    at Object.render (node_modules/react-dom/cjs/react-dom.development.js:14985:18)"""
TRACE_GO = """panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x18 pc=0x6b2f4a]

goroutine 42 [running]:
github.com/acme/{mod}/internal/store.(*Store).Get(0x0, {{0xc0001a2000, 0x8}})
	/src/internal/store/store.go:77 +0x2a"""
TRACES = [TRACE_PY, TRACE_JAVA, TRACE_JS, TRACE_GO]
MODS = ["billing", "ingest", "auth", "reports", "sync", "catalog", "scheduler"]
VERSIONS = ["1.4.2", "2.0.0", "3.11.1", "0.9.7", "5.2.0", "18.3.1"]


def _issue(rng: random.Random) -> str:
    _proj, lang, path = rng.choice(PROJECTS)
    symptom = rng.choice(SYMPTOMS).format(exc=rng.choice(EXCS))
    func = rng.choice(["parse_config", "handleRequest", "resolve", "flush", "merge_options",
                       "Reflector.ListAndWatch", "applyPatch", "serialize", "get_or_create"])
    title = rng.choice([f"`{func}` {symptom}", f"{func}: {symptom}", f"Bug: {symptom}",
                        f"[{lang}] {symptom.capitalize()}", f"Regression in {rng.choice(VERSIONS)}: {symptom}"])
    parts = [title, ""]
    if rng.random() < 0.6:
        parts += [rng.choice(["### Describe the bug", "**Describe the bug**", "Description", "## Summary"]),
                  f"Since upgrading to {rng.choice(VERSIONS)}, `{func}` in `{path}` {symptom}."]
    else:
        parts += [f"In {path}, {func} {symptom}. This was introduced by the refactor of the "
                  f"{rng.choice(MODS)} module."]
    if rng.random() < 0.6:
        parts += ["", rng.choice(["### Steps to reproduce", "**To Reproduce**", "Reproduction:", "Minimal example:"])]
        code = rng.choice([
            f"client = Client(timeout=5)\nclient.{func}('/items/')\n",
            f"const r = await {func}({{ path: '/a/b/' }});\nconsole.log(r.items.length);",
            f"s := NewStore(nil)\nv, err := s.Get(ctx, \"{rng.choice(MODS)}\")",
            f"df.groupby('k').agg({{'v': 'sum'}}).{func}()",
        ])
        parts.append(fence(rng, code, lang.lower()))
    if rng.random() < 0.5:
        parts += ["", fence(rng, rng.choice(TRACES).format(mod=rng.choice(MODS)), "")]
    if rng.random() < 0.7:
        parts += ["", rng.choice(["### Expected behavior", "**Expected behaviour**", "Expected:"]),
                  rng.choice(["It should return an empty list.", "No exception; the default should apply.",
                              "Each item is processed exactly once.", "The header is preserved.",
                              "Same result as in the previous release."])]
    if rng.random() < 0.4:
        parts += ["", "### Environment", f"- version: {rng.choice(VERSIONS)}",
                  f"- OS: {rng.choice(['Ubuntu 22.04', 'macOS 14.4', 'Windows 11'])}",
                  f"- {lang} {rng.choice(['3.12', '1.22', '21', '20.11', '1.77'])}"]
    return "\n".join(parts)


def _chat(rng: random.Random) -> str:
    proj, _lang, path = rng.choice(PROJECTS)
    kind = rng.random()
    if kind < 0.45:
        text = frame(rng, rng.choice(FEATURES) + rng.choice(["", f" in {proj}", " in this repo",
                                                              f" (the code lives under {path.rsplit('/', 1)[0]}/)"]))
        if rng.random() < 0.5:
            text += " " + rng.choice([
                "Update the tests and docs as you go.", "Keep the public API stable.",
                "Run the full test suite before you finish.", "It touches a lot of files, take your time.",
                "There are integration tests under tests/integration that must keep passing.",
                "Open a PR when done.", "Make small commits.",
            ])
        return text
    if kind < 0.8:
        symptom = rng.choice(SYMPTOMS).format(exc=rng.choice(EXCS))
        text = frame(rng, f"fix the bug where {rng.choice(['the', 'our'])} {rng.choice(MODS)} code in "
                          f"{path} {symptom}")
        if rng.random() < 0.5:
            test = rng.choice(["tests/test_core.py::test_batch_dispatch", "TestReflectorResync",
                               "UserServiceTest.createRejectsNullName", "list.spec.tsx > renders empty"])
            text += f" The failing test is `{test}`. Find the root cause, don't just patch the symptom."
        return text
    trace = rng.choice(TRACES).format(mod=rng.choice(MODS))
    return (rng.choice(["We get this in production every few hours:", "After merging the refactor this blows up:",
                        "Users report crashes, here is the trace:"])
            + "\n\n" + fence(rng, trace) + "\n\n"
            + rng.choice(["Track it down in the repo and fix it properly, with a regression test.",
                          f"Probably something in {path}. Fix it and add a test.",
                          "Can you dig into the codebase, find the cause and fix it?"]))


def generate(rng: random.Random) -> str:
    text = _issue(rng) if rng.random() < 0.5 else _chat(rng)
    return maybe_lower(rng, text, 0.05)


APIS = ["`QuerySet.bulk_create()`", "`Model.save()`", "`DataFrame.merge`", "`useEffect`", "`http.Client`",
        "`serde::Deserialize`", "`@dataclass(frozen=True)`", "`sklearn.metrics.f1_score`", "`np.histogram`",
        "`Axes.bar`", "`pytest.approx`", "`Series.str.replace`", "`Router.push`", "`sync.Pool`", "`Vec::retain`",
        "`ForeignKey(on_delete=...)`", "`Session.merge()`", "`Array.prototype.flatMap` polyfill",
        "`ThreadPoolExecutor.map`", "`the --watch mode`", "`LogisticRegression(warm_start=True)`",
        "`xarray.Dataset.to_zarr`", "`sympy.simplify`", "`requests.Session.mount`", "`astropy.units.Quantity`",
        "`the autodoc extension`", "`Field(default_factory=...)`", "`tf.data.Dataset.cache`", "`Enum` members"]
PROBLEMS = [
    "doesn't respect {opt}", "raises {exc} when {cond}", "returns a wrong result for {cond2}",
    "should support {feat}", "is inconsistent with {other}", "silently ignores {opt}",
    "crashes on empty input", "emits a deprecation warning even when {opt} is set",
    "loses precision for {cond2}", "produces invalid output when {cond}", "is extremely slow for {cond2}",
    "no longer works after upgrading to {ver}", "leaks memory when {cond}",
]
OPTS = ["the `ordering` option", "`null=True`", "the timezone setting", "the `copy=False` flag", "`exclude_unset`",
        "the configured encoding", "the `axis` argument", "`ignore_conflicts`", "custom headers", "the locale"]
CONDS = ["the index is a MultiIndex", "the field is nullable", "called from a subclass", "the input has NaNs",
         "two threads call it at once", "the path contains unicode characters", "used inside a transaction",
         "the generic type is nested", "the list is empty", "the file has a BOM"]
CONDS2 = ["negative numbers", "large integers", "timezone-aware datetimes", "sparse matrices", "nested generics",
          "categorical columns", "zero-length arrays", "reverse relations", "symlinked directories"]
FEATS = ["async iterators", "returning IDs on conflict", "custom validators", "a `strict` mode", "pathlib paths",
         "streaming bodies", "dark mode tokens", "keyword-only arguments"]
OTHERS = ["the pretty printer", "the documented behaviour", "the NumPy implementation", "the sync version",
          "what `repr()` shows", "the behaviour on Linux"]
SENTENCES = [
    "Currently, when {cond}, the result is silently wrong.",
    "I have a project where {cond}, and I'm seeing this consistently.",
    "This seems to be caused by the change in {path} that was introduced in {ver}.",
    "It would be nice if {api} could {want}, so that users don't have to work around it.",
    "The documentation says it should {want}, but that's not what happens.",
    "This worked in {ver0} but fails in {ver}.",
    "Looking at the source, the check in `{path}` never considers this case.",
    "I'd expect the same behaviour as {other}.",
    "Happy to open a PR if the maintainers agree with the approach.",
    "A workaround is to call it twice, but that shouldn't be necessary.",
    "I think the fix is to normalise the value before the comparison, but I'm not sure about backwards compatibility.",
    "Related to #{n}, but not the same issue.",
]
WANTS = ["handle this case", "return an empty result", "preserve the original order", "accept `None`",
         "raise a clear error", "keep the dtype", "use the configured default"]
REPRO = [
    "from mylib import Thing\n\nt = Thing(strict=True)\nt.load([])  # raises\n",
    ">>> df = pd.DataFrame({'a': [1, None]})\n>>> df.a.sum(min_count=1)\n",
    "qs = Author.objects.select_related('profile').only('name', 'profile__bio')\nlist(qs)\n",
    "let v: Wrapper<Vec<u8>> = serde_json::from_str(r#\"{\"x\": []}\"#)?;\n",
    "const r = render(<List items={[]} />);\nexpect(r.container).toMatchSnapshot();\n",
    "import numpy as np\nnp.histogram([1, 2, 3], bins=0)\n",
]


def _prose_issue(rng: random.Random) -> str:
    api = rng.choice(APIS)
    prob = rng.choice(PROBLEMS).format(
        opt=rng.choice(OPTS), exc=rng.choice(EXCS), cond=rng.choice(CONDS), cond2=rng.choice(CONDS2),
        feat=rng.choice(FEATS), other=rng.choice(OTHERS), ver=rng.choice(VERSIONS))
    title = f"{api.strip('`') if rng.random() < 0.4 else api} {prob}"
    _, _, path = rng.choice(PROJECTS)

    def sent() -> str:
        return rng.choice(SENTENCES).format(
            cond=rng.choice(CONDS), path=path, ver=rng.choice(VERSIONS), ver0=rng.choice(VERSIONS), api=api,
            want=rng.choice(WANTS), other=rng.choice(OTHERS), n=rng.randint(100, 39999))

    parts = [title, rng.choice(["Description", "", "### Bug summary", "**Describe the bug**", "### Problem"])]
    if parts[-1] == "Description":
        parts[-1] = "Description\n\t"
    parts.append(" ".join(sent() for _ in range(rng.randint(1, 3))))
    if rng.random() < 0.55:
        parts.append(rng.choice(["Minimal reproducer:", "To reproduce:", "Example:", "### Code for reproduction", "MRE:"]))
        parts.append(fence(rng, rng.choice(REPRO), "python"))
        if rng.random() < 0.5:
            parts.append(rng.choice(["Output:", "### Actual outcome", "Result:"]))
            parts.append(fence(rng, rng.choice(TRACES).format(mod=rng.choice(MODS)).split("\n")[-1] + "\n", ""))
    if rng.random() < 0.6:
        parts.append(" ".join(sent() for _ in range(rng.randint(1, 2))))
    return "\n".join(p for p in parts if p is not None)


_generate_main = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.45:
        return _prose_issue(rng)
    return _generate_main(rng)


APPS = ["the React app", "our Django project", "the Android app", "our Rails monolith", "the CLI", "the Python SDK",
        "the Next.js frontend", "the Go microservices", "the Flutter app", "the Spring Boot backend", "this codebase",
        "the Electron client", "the Vue dashboard", "the Node API"]
CHANGES = [
    "add dark mode support across {app}, including the settings screen and a persisted preference",
    "add role-based permissions to {app}: models, middleware, API checks and tests",
    "replace the Redux store in {app} with React Query and remove the dead reducers",
    "make {app} work offline: cache responses, queue writes and sync when back online",
    "extract the billing logic in {app} into its own module with a clean interface and unit tests",
    "add full-text search to {app} backed by Postgres tsvector, with a migration and an endpoint",
    "convert {app} from JavaScript to TypeScript incrementally, starting with the data layer",
    "implement account deletion in {app} end to end (API, background cleanup job, emails, tests)",
    "the date handling in {app} is a mess; centralise it in one utility and fix the timezone bugs it causes",
    "add an audit log to {app} that records who changed what, with a migration and an admin view",
    "{app} has N+1 queries on the dashboard; find them and fix them with proper prefetching",
    "add webhooks to {app}: registration endpoint, signed deliveries, retries with backoff",
    "introduce dependency injection in {app} so the services can be tested without the database",
    "fix the flaky tests in {app}; they depend on test order and shared global state",
    "upgrade {app} to the new major version of the ORM and fix all the deprecations",
    "add a feature flag system to {app} and move the new checkout behind a flag",
]


def _change(rng: random.Random) -> str:
    text = frame(rng, rng.choice(CHANGES).format(app=rng.choice(APPS)))
    if rng.random() < 0.3:
        text += " " + rng.choice(["The repo is checked out in the workspace.", "Write tests for the new behaviour.",
                                  "Don't break the public API.", "Follow the existing patterns in the code.",
                                  "Break it into reviewable commits."])
    return text


_generate_main2 = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.18:
        return _change(rng)
    return _generate_main2(rng)
