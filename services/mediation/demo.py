"""Demo mediation data for Chengkou: a people's mediation committee in every township and village, the county's
joint committee and four professional ones, mediators, a talk office (群众说事处) in every township with its
volunteers, and disputes at every stage so the queue and the targets have something to show.

The areas are the demo county's (`shared.demo_county`, the same seed as the grid's demo). Committees, mediators
and talk offices are upserts;
disputes carry the demo's own reference (`client_ref`), so a repeated load adds nothing. Every person is made up.

    python -m services.mediation.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
from datetime import timedelta
from typing import Callable

from services.grid.api.codes import AreaKind
from shared import clock, demo_county
from shared.demo_county import COUNTY_CODE

PROFESSIONAL = [("traffic", "道路交通事故纠纷"), ("labour", "劳动争议"), ("medical", "医疗纠纷"), ("family", "婚姻家庭纠纷")]
VOLUNTEER_KINDS = ["retired_cadre", "local_worthy", "lawyer"]
MATTERS = [("neighbour", "两户因宅基地界址和屋檐排水发生争执"), ("marriage_family", "赡养老人费用分担问题引发家庭矛盾"),
           ("land_forest", "两个村民小组对一片林地边界有争议"), ("labour", "务工人员被拖欠工资三个月"),
           ("contract", "茶叶收购合同价款结算争议"), ("damages", "饲养的牛损坏邻居庄稼的赔偿问题")]


def reference(seed: int = 500229) -> tuple[list[dict], list[dict], list[dict]]:
    """Committees, mediators and talk offices for the demo county."""
    rng = random.Random(seed + 1)
    areas = demo_county.areas(seed)
    registry = demo_county.Registry()
    committees = [{"committee_id": f"MC{COUNTY_CODE}", "name": "城口县矛盾纠纷多元化解中心人民调解委员会",
                   "level": "county", "area_code": COUNTY_CODE, "specialty": "general"}]
    committees += [{"committee_id": f"MC{COUNTY_CODE}-{specialty}", "name": f"城口县{label}人民调解委员会",
                    "level": "professional", "area_code": COUNTY_CODE, "specialty": specialty}
                   for specialty, label in PROFESSIONAL]
    levels = {AreaKind.town: "township", AreaKind.township: "township", AreaKind.street: "township",
              AreaKind.village: "village", AreaKind.community: "village"}
    committees += [{"committee_id": f"MC{a['code']}", "name": f"{a['name']}人民调解委员会",
                    "level": levels[AreaKind(a["kind"])], "area_code": a["code"], "specialty": "general"}
                   for a in areas if AreaKind(a["kind"]) in levels]
    mediators, offices = [], []
    for committee in committees:
        count = 1 if committee["level"] == "village" else 2
        for n in range(count):
            male = rng.random() < 0.6
            mediators.append({"mediator_id": f"M{committee['committee_id'][2:]}-{n + 1}",
                              "name": demo_county.person_name(rng, male), "phone": registry.phone(rng),
                              "employment": "full_time" if n == 0 and count > 1 else "part_time",
                              "committee_ids": [committee["committee_id"]]})
    for township in demo_county.TOWNSHIPS:
        offices.append({"township_code": township.code, "name": f"{township.name}群众说事处",
                        "address": f"{township.name}综治中心一楼",
                        "volunteers": [{"name": demo_county.person_name(rng, rng.random() < 0.5),
                                        "kind": VOLUNTEER_KINDS[i % 3], "phone": registry.phone(rng)}
                                       for i in range(3)]})
    return committees, mediators, offices


def load(rpc_call: Callable, seed: int = 500229, disputes: int = 100,
         progress: Callable[[str], object] = print) -> None:
    committees, mediators, offices = reference(seed)
    for committee in committees:
        rpc_call("save_committee", committee)
    for mediator in mediators:
        rpc_call("save_mediator", mediator)
    for office in offices:
        rpc_call("save_talk_office", office)
    progress(f"调委会 {len(committees)} 个、调解员 {len(mediators)} 名、群众说事处 {len(offices)} 个已写入")
    rng = random.Random(seed + 2)
    # Every township gets its share, each a run of stages in which at least two are concluded and one of the
    # first two is major, so every township's three targets have a value on the leader's first screen.
    towns: dict[str, list[dict]] = {}
    for c in committees:
        if c["level"] == "village":
            towns.setdefault(c["area_code"][:9], []).append(c)
    township_codes = sorted(towns)
    by_id = {c["committee_id"]: c for c in committees}
    first_mediator = {m["committee_ids"][0]: m["mediator_id"] for m in mediators}
    today = clock.today()
    for n in range(disputes):
        turn, township = divmod(n, len(township_codes))
        committee = rng.choice(towns[township_codes[township]])
        category, summary = rng.choice(MATTERS)
        stage = STAGES[(township + turn) % len(STAGES)]
        major = turn < 2 and (township + turn) % 2 == 0
        # The demo's own reference makes a second load find the same dispute instead of adding one.
        dispute = rpc_call("register_dispute", {"client_ref": f"demo-{seed}-{n:04d}",
            "area_code": committee["area_code"], "category": category, "summary": summary,
            "talk_office_township": committee["area_code"][:9],
            "major_reasons": ["violence_risk"] if major else [],
            "parties": [{"role": "applicant", "name": demo_county.person_name(rng, True)},
                        {"role": "respondent", "name": demo_county.person_name(rng, False)}]})
        if dispute["status"] == "registered":  # a dispute loaded before has moved on, or was meant to stay
            _walk(rpc_call, dispute["dispute_id"], stage, committee, by_id, first_mediator, today)
    progress(f"演示矛盾纠纷 {disputes} 件已就绪")


# Concluded stages at the even places: any four in a row hold two of them.
STAGES = ["resolved", "accepted", "closed", "registered", "failed", "session", "followed", "escalated"]


def _walk(rpc_call, dispute_id, stage, committee, by_id, first_mediator, today) -> None:
    act = lambda action, **fields: rpc_call("act_on_dispute", dispute_id, {"action": action, **fields})  # noqa: E731
    if stage == "registered":
        return
    act("accept", committee_id=committee["committee_id"], mediator_ids=[first_mediator[committee["committee_id"]]])
    if stage == "accepted":
        return
    session = {"held_on": today.isoformat(), "place": "村委会调解室", "attendees": ["申请人", "被申请人", "调解员"],
               "record": "双方陈述事实，调解员释法说理，提出调解方案", "agreed": None}
    act("hold_session", session=session)
    if stage == "session":
        return
    if stage in ("failed", "escalated"):
        act("fail", reason="双方分歧较大，未能达成一致")
        if stage == "escalated":
            township = by_id[f"MC{committee['area_code'][:9]}"]
            act("escalate", committee_id=township["committee_id"], reason="村级调解未果，移送乡镇")
        return
    act("sign_agreement", agreement={
        "facts": "双方因上述事项发生争执", "matters": "责任划分及补偿", "responsibilities": "双方各负相应责任",
        "terms": [{"content": "被申请人向申请人支付补偿款", "manner": "一次性现金支付",
                   "deadline": (today + timedelta(days=15)).isoformat()}],
        "party_signatures": [{"party_index": 0, "signed_on": today.isoformat()},
                             {"party_index": 1, "signed_on": today.isoformat()}],
        "mediator_id": first_mediator[committee["committee_id"]], "mediator_signed_on": today.isoformat()})
    if stage in ("followed", "closed"):
        act("follow_up", follow_up={"visited_on": today.isoformat(), "visitor": "调解员", "performed": "fully",
                                    "record": "已按协议履行，双方满意"})
    if stage == "closed":
        act("close")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.mediation.demo", description="城口县人民调解演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="写入正在运行的调解服务")
    args = parser.parse_args(argv)
    committees, mediators, offices = reference(args.seed)
    print(f"调委会 {len(committees)} 个，调解员 {len(mediators)} 名，群众说事处 {len(offices)} 个")
    if args.load:
        from nameko.standalone.rpc import ClusterRpcProxy

        from shared import config

        with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600) as proxy:
            load(lambda method, *call_args: getattr(proxy.mediation, method)(*call_args))


if __name__ == "__main__":
    main()
