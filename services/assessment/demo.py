"""Demo assessment data for Chengkou: the survey scores (群众安全感, 政法队伍满意度, 司法公信力) of the county and of
every township for this year and the last, beside the city's average, so the scorecard's eighth target has a value
everywhere. The other seven targets come from the other services' demo data through their events. Each figure is
saved under its (area, year, indicator): a repeated load changes nothing.

    python -m services.assessment.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
from typing import Callable

from shared import clock

COUNTY = "500229"
TOWNSHIP_KINDS = ("town", "township", "street")
CITY_AVERAGE = {"sense_of_security": 95.2, "team_satisfaction": 91.6, "judicial_credibility": 90.4}


def figures(areas: list[str], years: list[int], rng: random.Random) -> list[dict]:
    """Scores around the city's average: most areas above it, a few just below on one indicator."""
    out = []
    for year in years:
        for code in areas:
            for indicator, average in CITY_AVERAGE.items():
                value = round(min(99.5, average + rng.uniform(-1.5, 3.5)), 1)
                out.append({"year": year, "area_code": code, "indicator": indicator, "value": value,
                            "city_average": average, "source": "市统计局年度平安建设群众满意度测评"})
    return out


def load(grid_call: Callable, assessment_call: Callable, seed: int = 500229,
         progress: Callable[[str], object] = print) -> None:
    rng = random.Random(seed + 29)
    townships = [a["code"] for kind in TOWNSHIP_KINDS for a in grid_call("list_areas", None, kind, 1, 200)["items"]]
    year = clock.today().year
    rows = figures([COUNTY, *sorted(townships)], [year - 1, year], rng)
    for row in rows:
        assessment_call("record_survey_figure", row)
    progress(f"测评得分 {len(rows)} 项已写入（县和 {len(townships)} 个乡镇（街道），{year - 1}—{year} 年）")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.assessment.demo", description="城口县考核评价演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="从网格服务读取乡镇，写入正在运行的考核评价服务")
    args = parser.parse_args(argv)
    if not args.load:
        parser.print_help()
        return
    from nameko.standalone.rpc import ClusterRpcProxy

    from shared import config

    context = {"actor": {"id": "demo", "role": "county_admin"}, "actor_name": "演示数据"}
    with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600, context_data=context) as proxy:
        load(lambda method, *a: getattr(proxy.grid, method)(*a),
             lambda method, *a: getattr(proxy.assessment, method)(*a), args.seed)


if __name__ == "__main__":
    main()
