"""Benchmark: GET /api/openapi.json, the first request of a process and the ones after; one JSON
line.

    .venv/bin/python bench/openapi.py [--samples N]

Through Django's test client (routing, middleware, the view, the JSON answer), in a fresh process:
the first request builds the schema (walking every route and pydantic model), the later ones use
the schema built once (onewindow.api.OneWindowAPI.get_openapi_schema). Needs no database. Prints
the first request's time and the median and 99th percentile of the next `--samples` in ms.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "onewindow.settings")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=50)
    args = parser.parse_args()
    import django

    django.setup()
    from django.test import Client

    client = Client()

    def timed():
        start = time.perf_counter()
        response = client.get("/api/openapi.json")
        elapsed = (time.perf_counter() - start) * 1000
        assert response.status_code == 200, response.status_code
        return elapsed, len(response.content)

    first, size = timed()
    later = sorted(timed()[0] for _ in range(args.samples))
    print(
        json.dumps(
            {
                "bench": "openapi",
                "first_request_ms": round(first, 1),
                "later_median_ms": round(statistics.median(later), 1),
                "later_p99_ms": round(later[min(len(later) - 1, int(len(later) * 0.99))], 1),
                "samples": args.samples,
                "schema_bytes": size,
            }
        )
    )


if __name__ == "__main__":
    main()
