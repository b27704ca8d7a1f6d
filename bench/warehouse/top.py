"""The slowest operators of a DuckDB JSON profile (bench/warehouse/run.py --profile).

    python top.py PROFILE.json [N]
"""
import json
import sys

tree = json.load(open(sys.argv[1]))
rows = []


def walk(node, depth):
    extra = node.get("extra_info", {})
    what = "; ".join(f"{k}={str(v)[:90]}" for k, v in extra.items() if k in ("CTE Name", "Groups", "Aggregates", "Projections", "Conditions", "Join Type", "Function", "Table"))
    rows.append((node.get("timing", 0), node.get("type", "?"), node.get("intermediate_rows", 0), what))
    for child in node.get("children", []):
        walk(child, depth + 1)


for root in tree["operator"]:
    walk(root, 0)
print(f"operators {sum(r[0] for r in rows):.2f}s")
for t, name, card, what in sorted(rows, reverse=True)[: int(sys.argv[2]) if len(sys.argv) > 2 else 30]:
    print(f"{t:7.3f}s {name:22} {card:>10} {what}")
