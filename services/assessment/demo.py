"""Demo assessment data for Chengkou: the survey scores (群众安全感, 政法队伍满意度, 司法公信力) of the county and of
every township for this year and the last, beside the city's average, so the scorecard's eighth target has a value
everywhere (the other seven come from the other services' demo data through their events); the townships' 线上考核
scheme with last quarter's round scored, put on notice, appealed once, decided and published; and this year's
selection of 社会治理先进村（社区） with three nominations, two of them on notice.

Each figure is saved under its (area, year, indicator), the scheme, round and selection under their own ids, and a
step already taken is not taken again: a repeated load changes nothing.

    python -m services.assessment.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
from datetime import timedelta
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
    round_id = load_round(assessment_call, sorted(townships), rng)
    progress(f"线上考核 {round_id} 已评分、公示、裁定申诉并发布")
    load_selection(grid_call, assessment_call, sorted(townships), rng)
    progress("评选：社会治理先进村（社区）推荐3个，拟表彰2个，公示中")


INDICATORS = [
    *({"code": code, "label": label, "weight": weight, "source": "target", "target": code}
      for code, label, weight in (("grassroots_rate", "乡村两级化解率", 15), ("success_rate", "调解成功率", 10),
                                  ("major_rate", "重大社会矛盾化解率", 10), ("online_share", "网上信访占比", 10),
                                  ("governance_centre", "综治中心规范化建成率", 10),
                                  ("service_facility", "综合服务设施达标率", 10),
                                  ("video_coverage", "重点区域视频监控覆盖率", 10),
                                  ("public_opinion", "群众安全感等三项测评", 10))),
    {"code": "peace_work", "label": "平安建设工作", "weight": 15, "source": "manual",
     "guidance": "查阅平安建设工作台账，现场抽查网格巡查和矛盾排查记录"},
]


def last_quarter() -> str:
    """The latest quarter that ended at least 11 days ago: its notice (10 days ago, 5 days long) is over."""
    day = clock.today() - timedelta(days=11)
    quarter = (day.month - 1) // 3  # the quarter before the one `day` is in
    return f"{day.year}-Q{quarter}" if quarter else f"{day.year - 1}-Q4"


def load_round(call: Callable, townships: list[str], rng: random.Random) -> str:
    period = last_quarter()
    year = int(period[:4])
    scheme_id = f"SC{year}-township"
    if not any(s["scheme_id"] == scheme_id for s in call("list_schemes")["items"]):
        call("save_scheme", {"year": year, "title": f"{year}年度乡镇（街道）平安建设线上考核", "level": "township",
                             "frequency": "quarterly", "notice_days": 5, "indicators": INDICATORS})
        call("activate_scheme", scheme_id)
    found = call("start_round", {"scheme_id": scheme_id, "period": period})
    round_id = found["round_id"]
    if found["status"] == "scoring":
        for code in townships:
            call("score_manual", round_id, {"area_code": code, "indicator": "peace_work",
                                            "points": round(rng.uniform(10, 15), 1),
                                            "evidence": [f"{period}平安建设工作台账", "网格巡查记录抽查表"]})
        call("start_round_notice", round_id, {"noticed_on": (clock.today() - timedelta(days=10)).isoformat()})
        found = call("get_round", round_id)
    if found["status"] == "in_notice":
        if not found["appeals"]:
            appellant = townships[3]
            appeal = call("appeal", round_id, {
                "area_code": appellant, "indicator": "peace_work", "reason": "季度末补报的矛盾排查台账未纳入评分",
                "evidence": ["矛盾纠纷排查化解台账（补报）"],
                "filed_on": (clock.today() - timedelta(days=8)).isoformat()})
            call("decide_appeal", appeal["appeal_id"], {"decision": "upheld", "points": 14.5,
                                                        "note": "经核实补报台账真实，予以加分"})
        call("publish_round", round_id)
    return round_id


def load_selection(grid_call: Callable, call: Callable, townships: list[str], rng: random.Random) -> None:
    year = clock.today().year
    selection = call("save_selection", {"year": year, "kind": "advanced_village",
                                        "title": f"{year}年度社会治理先进村（社区）"})
    if selection["nominations"]:
        return
    villages = [v for t in townships[:3] for v in grid_call("list_areas", t, None, 1, 1)["items"]]
    made = [call("nominate", selection["selection_id"], {
        "area_code": v["code"], "nominee": v["name"],
        "material": f"{v['name']}全年矛盾纠纷化解率达标，无重大案事件，村规民约执行良好，群众安全感测评高于全市平均。"})
        for v in villages]
    for n, nomination in enumerate(made):
        call("decide_nomination", nomination["nomination_id"], {
            "decision": "shortlisted" if n < 2 else "rejected", "note": "材料属实，成效突出" if n < 2 else "成效不够突出"})
    call("start_selection_notice", selection["selection_id"], {})


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
