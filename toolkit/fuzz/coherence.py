"""Make one drawn object internally consistent the way Quay's own payloads are.

Quay derives several fields from others (`repository` is `<namespace>/<name>`, URLs point at one
server, sizes are formatted from byte counts). After an object's fields are drawn independently,
these rules overwrite the derived ones, but only where the result still satisfies that field's
schema, so a rule can never make a payload invalid. Rules key off field names that Quay shares
across events; fields without a rule keep their independently drawn value.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from toolkit.fuzz.context import Ctx
from toolkit.fuzz.providers import byte_size


def cohere(obj: dict[str, Any], checks: Mapping[str, Callable[[Any], bool]], ctx: Ctx) -> None:
    """Overwrite derived fields of `obj` in place; `checks` validates each field's new value."""

    def put(key: str, value: Any) -> bool:
        check = checks.get(key)
        if key in obj and (check is None or check(value)):
            obj[key] = value
            return True
        return False

    ns, name = obj.get("namespace"), obj.get("name")
    if isinstance(ns, str) and isinstance(name, str):
        put("repository", f"{ns}/{name}")
        put("docker_url", f"{ctx.host}/{ns}/{name}")
        put("repo", name)
        page = f"{ctx.scheme}://{ctx.host}/repository/{ns}/{name}"
        build = obj.get("build_id")
        if not (isinstance(build, str) and put("homepage", f"{page}/build/{build}")):
            put("homepage", page)
    elif isinstance(ns, str):
        put("homepage", f"{ctx.scheme}://{ctx.host}/organization/{ns}")

    meta = obj.get("trigger_metadata")
    if isinstance(meta, dict) and isinstance(meta.get("commit"), str):
        put("build_name", meta["commit"][:7])
    info, commit = obj.get("commit_info"), obj.get("commit")
    if isinstance(info, dict) and isinstance(commit, str):
        if "short_sha" in info:
            info["short_sha"] = commit[:7]
        url = info.get("url")
        if isinstance(url, str) and "/commit/" in url:
            info["url"] = url.rsplit("/commit/", 1)[0] + "/commit/" + commit

    _quota(obj, put, ctx)


def _quota(obj: dict[str, Any], put: Callable[[str, Any], bool], ctx: Ctx) -> None:
    limit, threshold = obj.get("limit_bytes"), obj.get("threshold_percent")
    if isinstance(limit, int) and isinstance(threshold, int) and "usage_bytes" in obj:
        put("usage_bytes", limit * (threshold + ctx.rng.randrange(12)) // 100)
    usage = obj.get("usage_bytes")
    if isinstance(usage, int) and isinstance(limit, int):
        put("usage_percent", usage * 100 // limit if limit else 0)
    for key in [k for k in obj if k.endswith("_formatted")]:
        raw = obj.get(key.removesuffix("_formatted"))
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            put(key, byte_size(raw))
