"""Realistic values for the string shapes Quay really sends, keyed by schema pattern or field name.

Generation is schema-driven (`toolkit.fuzz.generate`); these providers only make leaves look like
Quay's data instead of random text. A pattern or field without a provider still gets valid values
from the generic regex generator, so new schema fields need no code here.
"""

from __future__ import annotations

from collections.abc import Callable
from random import Random
from typing import Any

from toolkit.contract.invariant_filters import quay_bytes

Provider = Callable[[Random], Any]

WORDS = (
    "acme", "alice", "bob", "mirrors", "redhat", "openshift", "infra", "team", "ci", "platform",
    "data", "ml", "web", "prod", "dev", "org", "quay", "build", "sec", "edge",
)  # fmt: skip
REPOS = (
    "webapp", "api", "etcd", "nginx", "nightly", "postgres", "frontend", "worker", "ubi9",
    "python-311", "ocp-v4.0-art-dev", "db.migrations", "builder_base", "cache", "gateway",
)  # fmt: skip
TAGS = (
    "latest", "v1.4.2", "1.27.3-alpine", "pr-1432", "nightly-20261120", "sha-3f2a9c1", "main",
    "feature_x", "stable", "2.3.1", "_internal", "9.4-1123", "v3.5.17", "release-4.16",
    "café", "feature_über",
)  # fmt: skip
HOSTS = (
    "quay.io", "quay.example.com", "registry.corp.internal:8443", "quay-registry.apps.ocp.lan",
    "10.0.12.7:5000", "localhost:8080", "[fd00::10]:8443", "quay_app:8080",
)  # fmt: skip
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
BRANCHES = ("main", "master", "develop", "feature/login", "release/2.3", "fix-1432", "dépôt")
PEOPLE = ("alice", "jdoe", "web-flow", "dependabot[bot]", "Jane Doe", "dgangaia", "bob-smith")
SEVERITIES = ("Unknown", "Negligible", "Low", "Medium", "High", "Critical")
RAW_SEVERITIES = (
    "Important", "Moderate", "HIGH", "low", "",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
)  # fmt: skip
MESSAGES = (
    "Fix build", "Bump base image to ubi9", "Merge pull request #1432 from acme/feature-x",
    "Fix café ☕ build", "Release 2.3.1\n\nChangelog:\n- faster pulls\n- fewer bugs",
    "Windows line endings\r\nsecond line", "Revert \"Add cache\"", "初回コミット",
)  # fmt: skip
UPSTREAMS = (
    "quay.io/coreos/etcd", "docker.io/library/nginx", "registry.access.redhat.com/ubi9/ubi",
    "ghcr.io/acme/tools",
)  # fmt: skip
RULES = ("latest", "v3.5.*,latest", "1.27*", "9.*", "latest,9.4,9.4-*")
MIRROR_ERRORS = (
    "INTERNAL ERROR", "PARTIAL SYNC",
    "('skopeo copy failed: See output', '', 'time=\"2026-11-02T10:00:00Z\" level=fatal "
    "msg=\"Error reading manifest: manifest unknown\"')",
)  # fmt: skip


def hexstr(rng: Random, n: int) -> str:
    """`n` lowercase hex digits."""
    return format(rng.getrandbits(4 * n), f"0{n}x")


def uuid4(rng: Random) -> str:
    """A lowercase hyphenated version-4 UUID."""
    h = hexstr(rng, 32)
    variant = "89ab"[rng.randrange(4)]
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}"


def namespace(rng: Random) -> str:
    """A Quay user or organisation name."""
    roll = rng.random()
    if roll < 0.6:
        return rng.choice(WORDS)
    sep = rng.choice("._-")
    name = f"{rng.choice(WORDS)}{sep}{rng.choice(WORDS)}"
    return name + str(rng.randrange(100)) if roll > 0.9 else name


def repository_name(rng: Random) -> str:
    """A repository name, sometimes an extended name with `/`."""
    name, roll = rng.choice(REPOS), rng.random()
    if roll < 0.02:  # created under Quay <= 3.2.x, still sent by every later release
        return rng.choice(("MyApp", "_legacy", "Web.API-2"))
    return f"{rng.choice(REPOS)}/{name}" if roll < 0.1 else name


def tag(rng: Random) -> str:
    """A Docker tag, occasionally at the 128-character limit."""
    roll = rng.random()
    if roll < 0.8:
        return rng.choice(TAGS)
    if roll < 0.95:
        return f"v{rng.randrange(10)}.{rng.randrange(30)}.{rng.randrange(100)}"
    return "t" + "".join(rng.choice("abc_.-0123456789") for _ in range(127))


def commit_sha(rng: Random) -> str:
    """A 40-hex git commit id; custom-git triggers may send a short one."""
    return hexstr(rng, 40) if rng.random() < 0.9 else hexstr(rng, rng.choice((7, 8, 12)))


def git_ref(rng: Random) -> str:
    """A full git ref."""
    roll = rng.random()
    if roll < 0.7:
        return "refs/heads/" + rng.choice(BRANCHES)
    if roll < 0.95:
        return f"refs/tags/v{rng.randrange(5)}.{rng.randrange(20)}.{rng.randrange(10)}"
    return "refs/remotes/origin/" + rng.choice(BRANCHES)


def host(rng: Random) -> str:
    """A SERVER_HOSTNAME, with a port sometimes."""
    return HOSTS[0] if rng.random() < 0.5 else rng.choice(HOSTS)


def scheme(rng: Random) -> str:
    """PREFERRED_URL_SCHEME."""
    return "https" if rng.random() < 0.85 else "http"


def repo_url(rng: Random) -> str:
    """A repository page URL."""
    return f"{scheme(rng)}://{host(rng)}/repository/{namespace(rng)}/{repository_name(rng)}"


def commit_date(rng: Random) -> str:
    """A commit date in one of the formats the SCMs really send."""
    y, mo, d = 2015 + rng.randrange(12), 1 + rng.randrange(12), 1 + rng.randrange(28)
    h, mi, s = rng.randrange(24), rng.randrange(60), rng.randrange(60)
    kind = rng.randrange(5)
    if kind == 0:
        off = rng.choice(("-04:00", "+11:00", "+02:00", "+00:00"))
        return f"{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{off}"
    if kind == 1:
        return f"{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}Z"
    if kind == 2:
        day = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[rng.randrange(7)]
        month = MONTHS[mo - 1]
        return f"{day}, {d:02} {month} {y:04} {h:02}:{mi:02}:{s:02} GMT"
    if kind == 3:
        return f"{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}.000+02:00"
    return f"{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}"


def git_url(rng: Random) -> str:
    """An SSH clone URL, or a custom-git build source."""
    ns, repo = namespace(rng), rng.choice(REPOS)
    forge = rng.choice(("github.com", "bitbucket.org", "gitlab.com"))
    if rng.random() < 0.9:
        return f"git@{forge}:{ns}/{repo}.git"
    return f"https://git.example.com/{ns}/{repo}"


def vulnerability_id(rng: Random) -> str | None:
    """A CVE or GHSA id, an RHSA title, or Clair's internal numeric id."""
    roll = rng.random()
    if roll < 0.5:
        return f"CVE-{2014 + rng.randrange(13)}-{rng.randrange(1000, 60000)}"
    if roll < 0.65:
        parts = ["".join(rng.choice("23456789cfghjmpqrvwx") for _ in range(4)) for _ in range(3)]
        return "GHSA-" + "-".join(parts)
    if roll < 0.75:
        return "RHSA-2023:1405: openssl security and bug fix update (Important)"
    if roll < 0.95:
        return str(rng.randrange(1, 2_000_000))
    return None


def vulnerability_link(rng: Random) -> str | None:
    """Clair's links: one URL, a whitespace-separated list, `""` or null."""
    cve = f"CVE-{2014 + rng.randrange(13)}-{rng.randrange(1000, 60000)}"
    one = f"https://access.redhat.com/security/cve/{cve}"
    return rng.choice((one, f"{one} https://nvd.nist.gov/vuln/detail/{cve}", f"{one}\n{one}", ""))


def priority(rng: Random) -> str:
    """A normalised severity, or the raw vendor severity of the new-index path."""
    return rng.choice(SEVERITIES) if rng.random() < 0.7 else rng.choice(RAW_SEVERITIES)


def mirror_message(rng: Random) -> str:
    """A repository-mirror status message."""
    ref, rules = rng.choice(UPSTREAMS), rng.choice(RULES)
    roll = rng.random()
    if roll < 0.6:
        return f"'{ref}' with tag pattern '{rules}'"
    if roll < 0.8:
        return f"'{ref}' with tag pattern '{rules}': {rng.choice(MIRROR_ERRORS)}"
    if roll < 0.9:
        return f"'{ref}' job lost"
    return "Source registry location is not allowed"


def person_url(rng: Random) -> str:
    """A profile URL, or `""` (GitLab "run now")."""
    return f"https://github.com/{rng.choice(PEOPLE[:3])}" if rng.random() < 0.9 else ""


def avatar_url(rng: Random) -> str:
    """An avatar image URL."""
    return f"https://avatars.githubusercontent.com/u/{rng.randrange(1, 9_999_999)}?v=4"


def expiring_in(rng: Random) -> str:
    """`"<days> days"`: the web UI stores any number."""
    return f"{rng.choice((1, 3, 7, 14, 30, 2.5))} days"


def text(rng: Random) -> str:
    """Readable free text for a string field nothing more is known about."""
    return " ".join(rng.choice(WORDS + REPOS) for _ in range(1 + rng.randrange(5)))


_SIZE = r"^(?:[0-9]+ bytes|[0-9]+\.[0-9]{2} (?:KB|MB|GB|TB))$"
_NS = "[a-z0-9]+(?:[._-][a-z0-9]+)*"
_NAME = "(?:[.A-Za-z0-9_-]+|[a-z0-9][.a-z0-9_-]*(?:/[a-z0-9][.a-z0-9_-]*)+)"
_HOST = "(?:\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9_.-]+)(?::[0-9]{1,5})?"
_UUID = "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"

BY_PATTERN: dict[str, Provider] = {
    "^[a-z0-9]+(?:[._-][a-z0-9]+)*$": namespace,
    f"^{_NAME}$": repository_name,
    "^(?:[A-Za-z0-9_]|[^\\x00-\\x7F])(?:[A-Za-z0-9_.-]|[^\\x00-\\x7F]){0,127}$": tag,
    f"^{_NS}/{_NAME}$": lambda rng: f"{namespace(rng)}/{repository_name(rng)}",
    f"^{_HOST}/{_NS}/{_NAME}$": lambda rng: f"{host(rng)}/{namespace(rng)}/{repository_name(rng)}",
    "^sha256:[a-f0-9]{64}$": lambda rng: "sha256:" + hexstr(rng, 64),
    _UUID: uuid4,
    "^[A-Fa-f0-9]{7,}$": commit_sha,
    "^[A-Fa-f0-9]{7}$": lambda rng: hexstr(rng, 7),
    "^refs/(heads|tags|remotes)/.+$": git_ref,
    "^https?://[^\\s/]+/repository/\\S+$": repo_url,
    "^https?://[^\\s/]+/repository/\\S+/build/" + _UUID[1:]: lambda rng: (
        f"{repo_url(rng)}/build/{uuid4(rng)}"
    ),
    "^https?://[^\\s/]+/organization/[^\\s/]+$": lambda rng: (
        f"{scheme(rng)}://{host(rng)}/organization/{namespace(rng)}"
    ),
    "^https?://\\S+$": repo_url,
    "^(?:-?[0-9]+(?:\\.[0-9]+)?(?:e[-+][0-9]+)?|True) days$": expiring_in,
    "^\\S+ days$": lambda rng: expiring_in(rng) if rng.random() < 0.8 else "None days",
    _SIZE: lambda rng: quay_bytes(rng.randrange(1 << 40)),
}
"""Providers for the anchored patterns of `schemas/_common/types.schema.json` and the events."""

BY_NAME: dict[str, Provider] = {
    "date": commit_date,
    "message": lambda rng: rng.choice(MESSAGES),
    "git_url": git_url,
    "default_branch": lambda rng: rng.choice(BRANCHES[:3]),
    "username": lambda rng: rng.choice(PEOPLE),
    "url": person_url,
    "avatar_url": avatar_url,
    "build_name": lambda rng: hexstr(rng, 7),
    "manual_user": lambda rng: rng.choice(PEOPLE) if rng.random() < 0.7 else None,
    "image_id": lambda rng: "sha256:" + hexstr(rng, 64),
    "error_message": lambda rng: rng.choice(("Build timed out", "Could not pull base image")),
    "id": vulnerability_id,
    "link": vulnerability_link,
    "priority": priority,
    "description": lambda rng: rng.choice(("Remote code injection in Log4j", "", None)),
}
"""Providers for free-text fields, keyed by property name (the last key of the path)."""

BY_FORMAT: dict[str, Provider] = {
    "uuid": uuid4,
    "uri": repo_url,
    "iri": repo_url,
    "uri-reference": repo_url,
    "date-time": lambda rng: commit_date(rng)[:10] + "T12:00:00Z",
    "date": lambda rng: commit_date(rng)[:10],
    "email": lambda rng: f"{rng.choice(PEOPLE[:3])}@example.com",
    "hostname": lambda rng: host(rng).split(":")[0],
}
"""Providers for `format`s of strings that have no pattern."""

BY_PARENT_NAME: dict[tuple[str, str], Provider] = {
    ("", "message"): mirror_message,
    ("commit_info", "url"): lambda rng: (
        f"https://github.com/{namespace(rng)}/{rng.choice(REPOS)}/commit/{hexstr(rng, 40)}"
    ),
}
"""Providers keyed by (parent key, name); `""` is the payload's top level."""

BY_VARIABLE: dict[str, Provider] = {
    "host": host,
    "scheme": scheme,
    "full_name": lambda rng: f"{namespace(rng)}/{rng.choice(REPOS)}",
    "web_url": lambda rng: f"https://gitlab.com/{namespace(rng)}/{rng.choice(REPOS)}",
}
"""Providers for the free variables of `x-invariants` templates, keyed by variable name; a
variable without one is drawn from its pattern."""

POOL_FIRST = frozenset({"message"})
"""Fields whose documented examples are the best model (mirror messages differ per event)."""
