"""Parses Grafana's provisioning files and the dashboards, and checks that every datasource
a dashboard or a derived field points at is provisioned. Exits non-zero naming each problem."""
import json
import pathlib
import sys

import yaml

root = pathlib.Path("observability")
problems = []

datasources = yaml.safe_load((root / "grafana/provisioning/datasources/datasources.yaml").read_text())
uids = {d["uid"] for d in datasources["datasources"]}
for source in datasources["datasources"]:
    for field in source.get("jsonData", {}).get("derivedFields", []):
        if field["datasourceUid"] not in uids:
            problems.append(f"datasource {source['name']}: derived field links to unknown uid {field['datasourceUid']}")

providers = yaml.safe_load((root / "grafana/provisioning/dashboards/dashboards.yaml").read_text())
if [p["options"]["path"] for p in providers["providers"]] != ["/etc/grafana/dashboards"]:
    problems.append("dashboard provider must read /etc/grafana/dashboards (the mount of observability/dashboards)")

dashboards = sorted((root / "dashboards").glob("*.json"))
if not dashboards:
    problems.append("no dashboards in observability/dashboards")
seen_uids = set()
for path in dashboards:
    dashboard = json.loads(path.read_text())
    if dashboard.get("uid") in seen_uids:
        problems.append(f"{path.name}: duplicate dashboard uid {dashboard.get('uid')}")
    seen_uids.add(dashboard.get("uid"))
    for panel in dashboard.get("panels", []):
        if not panel.get("targets") or not all(t.get("expr") for t in panel["targets"]):
            problems.append(f"{path.name}: panel '{panel.get('title')}' has no query")
        for item in [panel, *panel.get("targets", [])]:
            uid = (item.get("datasource") or {}).get("uid")
            if uid is not None and uid not in uids:
                problems.append(f"{path.name}: panel '{panel.get('title')}' uses unknown datasource uid {uid}")

for config in ["otel-collector.yaml", "prometheus.yml", "loki.yaml"]:
    yaml.safe_load((root / config).read_text())

for problem in problems:
    print(problem, file=sys.stderr)
print(f"{len(dashboards)} dashboards and {len(uids)} datasources checked")
sys.exit(1 if problems else 0)
