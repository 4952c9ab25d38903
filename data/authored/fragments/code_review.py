"""Code review requests: diffs with a request, PR links, review-comment style asks."""

from __future__ import annotations

import random

from fragments.common import fence, frame, maybe_lower

# (path, language, old lines, new lines)
CHANGES = [
    ("app/api/users.py", "python",
     ["def get_user(user_id):", "    return db.query(User).get(user_id)"],
     ["def get_user(user_id: int) -> User | None:", "    user = db.query(User).get(user_id)",
      "    if user is None:", "        log.warning(\"user %s not found\", user_id)", "    return user"]),
    ("src/cache.ts", "typescript",
     ["export function get(key: string) {", "  return store[key];", "}"],
     ["export function get(key: string, ttl = 60_000) {", "  const hit = store.get(key);",
      "  if (!hit || Date.now() - hit.at > ttl) return undefined;", "  return hit.value;", "}"]),
    ("internal/worker/pool.go", "go",
     ["func (p *Pool) Submit(j Job) {", "\tp.jobs <- j", "}"],
     ["func (p *Pool) Submit(ctx context.Context, j Job) error {", "\tselect {",
      "\tcase p.jobs <- j:", "\t\treturn nil", "\tcase <-ctx.Done():", "\t\treturn ctx.Err()", "\t}", "}"]),
    ("lib/payments/refund.rb", "ruby",
     ["def refund!(amount)", "  gateway.refund(charge_id, amount)", "end"],
     ["def refund!(amount)", "  raise ArgumentError, 'amount must be positive' unless amount.positive?",
      "  with_lock { gateway.refund(charge_id, amount) }", "end"]),
    ("src/main/java/com/acme/OrderService.java", "java",
     ["    public Order find(long id) {", "        return repo.findById(id).get();", "    }"],
     ["    public Optional<Order> find(long id) {", "        return repo.findById(id);", "    }"]),
    ("src/parser.rs", "rust",
     ["    let n = s.parse::<u32>().unwrap();"],
     ["    let n = s.parse::<u32>().map_err(|e| Error::BadNumber(s.to_owned(), e))?;"]),
    ("web/components/Login.jsx", "jsx",
     ["  const onSubmit = () => {", "    fetch('/api/login', { method: 'POST', body: JSON.stringify(form) })"],
     ["  const onSubmit = async (e) => {", "    e.preventDefault();",
      "    const res = await fetch('/api/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(form) });",
      "    if (!res.ok) setError(await res.text());"]),
    ("scripts/deploy.sh", "bash",
     ["rsync -avz dist/ $HOST:/srv/www"],
     ["set -euo pipefail", "rsync -avz --delete dist/ \"$HOST:/srv/www\""]),
    ("migrations/0042_add_index.sql", "sql",
     [],
     ["CREATE INDEX CONCURRENTLY idx_orders_customer ON orders(customer_id);"]),
    ("app/auth/tokens.py", "python",
     ["    return jwt.decode(token, SECRET, algorithms=None)"],
     ["    return jwt.decode(token, SECRET, algorithms=[\"HS256\"], options={\"require\": [\"exp\"]})"]),
    ("src/hooks/useFetch.ts", "typescript",
     ["  useEffect(() => {", "    load(url).then(setData);", "  }, []);"],
     ["  useEffect(() => {", "    let cancelled = false;", "    load(url).then((d) => { if (!cancelled) setData(d); });",
      "    return () => { cancelled = true; };", "  }, [url]);"]),
    ("pkg/config/load.go", "go",
     ["\tdata, _ := os.ReadFile(path)"],
     ["\tdata, err := os.ReadFile(path)", "\tif err != nil {", "\t\treturn nil, fmt.Errorf(\"read config %s: %w\", path, err)", "\t}"]),
    ("services/email/send.py", "python",
     ["for user in users:", "    send(user.email, body)"],
     ["for batch in chunked(users, 100):", "    send_bulk([u.email for u in batch], body)", "    time.sleep(1)"]),
    ("Dockerfile", "dockerfile",
     ["FROM python:3.11", "COPY . /app", "RUN pip install -r /app/requirements.txt"],
     ["FROM python:3.11-slim AS base", "WORKDIR /app", "COPY requirements.txt .",
      "RUN pip install --no-cache-dir -r requirements.txt", "COPY . .", "USER 1000"]),
    ("src/utils/money.js", "javascript",
     ["export const total = (items) => items.reduce((s, i) => s + i.price * i.qty, 0);"],
     ["export const total = (items) =>", "  items.reduce((s, i) => s + Math.round(i.price * 100) * i.qty, 0) / 100;"]),
    ("core/src/lru.cpp", "cpp",
     ["    map_.erase(key);"],
     ["    auto it = map_.find(key);", "    if (it == map_.end()) return;", "    list_.erase(it->second);", "    map_.erase(it);"]),
]

ASKS = [
    "can you review this PR?", "please review this diff", "review my changes before I merge",
    "take a look at this patch and tell me if anything is off", "is this change safe to ship?",
    "code review please — focus on correctness and edge cases", "any concerns with this diff?",
    "give me a thorough review of the following change", "LGTM? or am I missing something",
    "review for bugs, security issues and style", "what would you flag in review here?",
    "be a strict reviewer and leave inline comments on this", "double-check this refactor for regressions",
    "sanity check this before I open the PR", "does this patch look right to you?",
    "can you do a quick pass over this diff", "please leave review comments on this change",
    "would you approve this? explain why or why not", "review this pull request",
    "I'd like a second pair of eyes on this", "spot anything wrong in this change?",
]
PR_ASKS = [
    "review PR #{n} in {repo} and leave comments on anything risky",
    "take a look at {repo}#{n} and tell me whether it's ready to merge",
    "do a code review of https://github.com/{repo}/pull/{n}",
    "review the open pull request {n} — it changes the retry logic, check the edge cases",
    "go through the diff of the `{branch}` branch against main and write review comments",
    "review the last three commits on `{branch}` for anything that could break prod",
    "check my PR for {repo}; the reviewers asked for a second opinion on the locking",
    "summarise and critique the changes in PR #{n}, flagging anything that needs tests",
    "act as the reviewer on {repo}!{n} (gitlab MR) and approve or request changes",
]
REPOS = ["acme/api", "acme/web", "platform/infra", "data/pipelines", "mobile/app", "org/payments"]
BRANCHES = ["feature/retry-policy", "fix/null-name", "refactor/cache", "chore/deps", "feat/soft-delete"]
COMMENTS = [
    "nit: this name is misleading",
    "This swallows the error; we should propagate it.",
    "Should this be behind a feature flag?",
    "I think there's a race here if two requests arrive at once.",
    "Missing a test for the empty case.",
]


def _diff(rng: random.Random) -> tuple[str, str]:
    path, lang, old, new = rng.choice(CHANGES)
    start = rng.randint(1, 400)
    lines = []
    if rng.random() < 0.5:
        lines += [f"diff --git a/{path} b/{path}", f"index {rng.getrandbits(28):07x}..{rng.getrandbits(28):07x} 100644"]
    if rng.random() < 0.6:
        lines += [f"--- a/{path}", f"+++ b/{path}"]
    ctx = rng.choice(["", " class Service:", " import os", " }", " // helpers", ""])
    lines.append(f"@@ -{start},{len(old) + 2} +{start},{len(new) + 2} @@{rng.choice(['', ' def handler(', ' func main() {'])}")
    if ctx:
        lines.append(ctx)
    lines += [f"-{x}" for x in old] + [f"+{x}" for x in new]
    lines.append(" ")
    return "\n".join(lines), lang


def generate(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.5:
        diff, _ = _diff(rng)
        if rng.random() < 0.3:
            diff += "\n" + _diff(rng)[0]
        body = fence(rng, diff, "diff")
        ask = rng.choice(ASKS)
        if rng.random() < 0.3:
            ask += " " + rng.choice(["It's for the checkout flow.", "This fixes the flaky prod bug from yesterday.",
                                     "Junior dev wrote it, be kind but thorough.", "Context: we're on python 3.12.",
                                     "Mostly worried about performance."])
        ask = maybe_lower(rng, ask[:1].upper() + ask[1:], 0.3)
        return f"{ask}\n\n{body}" if rng.random() < 0.7 else f"{body}\n\n{ask}"
    if kind < 0.72:
        task = rng.choice(PR_ASKS).format(n=rng.randint(12, 9999), repo=rng.choice(REPOS), branch=rng.choice(BRANCHES))
        return frame(rng, task)
    if kind < 0.87:
        path, lang, _, new = rng.choice(CHANGES)
        code = fence(rng, "\n".join(new), lang)
        ask = rng.choice([
            f"Review this code from {path}:", "Can you review this function? Looking for bugs and readability issues.",
            "Here's my implementation, please critique it like a senior engineer would:",
            "Code review request:", "Please review — is this idiomatic?",
            "What feedback would you give on this snippet in a PR review?",
        ])
        return f"{ask}\n\n{code}"
    diff, _ = _diff(rng)
    comment = rng.choice(COMMENTS)
    return (f"Reviewer left this on my PR: \"{comment}\"\n\n{fence(rng, diff, 'diff')}\n\n"
            + rng.choice(["Is the reviewer right? Review the change again and suggest what to fix.",
                          "Respond to the review comment and re-review the diff.",
                          "Review it yourself and tell me what else they would flag."]))


_generate_main = generate


def generate(rng: random.Random) -> str:
    if rng.random() < 0.12:  # a bare diff, as tools post them for review
        diff, _ = _diff(rng)
        return diff
    return _generate_main(rng)
