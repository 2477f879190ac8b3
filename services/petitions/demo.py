"""Demo petitions for Chengkou: letters, visits, calls and online petitions over the last three months at every stage,
so the officer's queue shows green, amber and red clocks and the figures have something to count. A few
petitioners come back on the same matter (repeats), one matter is a collective visit, one a hard case owned by a
leader.

Each petition carries the demo's own reference (`client_ref`), so a repeated load adds nothing; its moves are made
at the dates they would have happened (`as_of`, refused in production). The areas are the demo county's. Every person
is made up.

    python -m services.petitions.demo --load
"""
if __name__ == "__main__":  # the loader speaks RPC through nameko, which needs eventlet patched before imports
    import eventlet

    eventlet.monkey_patch()

import argparse  # noqa: E402
import random
from datetime import date, datetime, time, timedelta
from typing import Callable

from services.grid.api.codes import AreaKind
from shared import demo_county
from shared.clock import LOCAL

MATTERS = [("land_requisition", "反映修建公路占用承包地的补偿款未按标准发放"),
           ("labour_social_security", "反映在本县工地务工被拖欠工资四个月，多次讨要未果"),
           ("rural_affairs", "反映村集体土地流转收益分配不公开"),
           ("urban_construction", "反映安置房漏水问题长期未修复"),
           ("civil_affairs", "反映家庭困难申请低保未获批准，请求重新审核"),
           ("environment", "反映附近养殖场污水直排河沟，气味严重"),
           ("neighbour_dispute", "反映与邻居因宅基地界址发生争执，村里调处未果"),
           ("conduct_of_officials", "反映村干部办事拖拉、态度生硬")]
CHANNELS = ["online"] * 13 + ["visit"] * 4 + ["letter"] * 2 + ["phone"] * 1  # about two thirds online
STAGES = ["received", "forwarded", "accepted", "extended", "replied", "rated", "reviewed", "concluded", "declined",
          "converted"]


def _at(day: date, hour: int = 10) -> str:
    return datetime.combine(day, time(hour), tzinfo=LOCAL).isoformat()


def load(rpc_call: Callable, seed: int = 500229, count: int = 48, progress: Callable[[str], object] = print) -> None:
    rng = random.Random(seed + 3)
    areas = demo_county.areas(seed)
    # The villages taken in turn from each township, so the petitions (and every township's online share) are
    # spread over the whole county.
    by_township: dict[str, list[dict]] = {}
    for a in areas:
        if AreaKind(a["kind"]) in (AreaKind.village, AreaKind.community):
            by_township.setdefault(a["code"][:9], []).append(a)
    rounds = max(len(v) for v in by_township.values())
    villages = [vs[i] for i in range(rounds) for _, vs in sorted(by_township.items()) if i < len(vs)][:60]
    registry = demo_county.Registry()
    people = [{"name": demo_county.person_name(rng, rng.random() < 0.6),
               "id_number": registry.id_number(rng, date(1950 + rng.randrange(50), 1 + rng.randrange(12), 1 +
                                                          rng.randrange(28)), rng.random() < 0.5),
               "phone": registry.phone(rng)} for _ in range(36)]
    today = datetime.now(LOCAL).date()
    for n in range(count):
        # Some people come back on the same matter: the repeats the queue and the figures count.
        person = people[n % len(people)]
        village = villages[(n % len(people)) % len(villages)]
        category, matter = MATTERS[(n % len(people)) % len(MATTERS)]
        channel = rng.choice(CHANNELS)
        received = today - timedelta(days=rng.randrange(2, 95))
        petitioners = [person]
        headcount = None
        if n == 7:  # one collective visit
            channel, headcount = "visit", 12
            petitioners = [person, *people[20:24]]
        petition = rpc_call("register_petition", {
            "client_ref": f"demo-{seed}-{n:04d}", "channel": channel, "area_code": village["code"],
            "category": category, "matter": matter, "petitioners": petitioners, "headcount": headcount,
            "received_on": received.isoformat()})
        if petition["status"] == "received" and len(petition["history"]) == 1:
            _walk(rpc_call, petition, rng.choice(STAGES), received, today, rng, person["phone"])
        if n == 11 and not petition["hard_case"]:
            rpc_call("mark_hard_case", petition["petition_id"], {"hard_case": True, "reason": "历时多年、多次复查复核"})
            rpc_call("own_case", petition["petition_id"], {"leader_name": "县委副书记", "leader_account_id": None})
            rpc_call("record_visit", petition["petition_id"], {
                "kind": "outreach", "on": today.isoformat(), "place": f"{village['name']}村委会",
                "host": "县委副书记", "held": True, "notes": "带案下访，当面听取诉求"})
    rpc_call("sweep_deadlines", None)
    progress(f"演示信访件 {count} 件已就绪")


def _walk(rpc_call, petition: dict, stage: str, received: date, today: date, rng: random.Random,
          phone: str) -> None:
    day = received

    def act(action: str, after: int, **fields) -> bool:
        nonlocal day
        if day + timedelta(days=after) >= today:
            return False  # not yet: the demo does not act in the future
        day += timedelta(days=after)
        rpc_call("act_on_petition", petition["petition_id"], {"action": action, **fields}, _at(day))
        return True

    if stage == "received":
        return
    unit = rng.choice(["属地乡镇（街道）", "县人力社保局", "县农业农村委", "县住房城乡建委", "县民政局"])
    if stage == "converted":
        act("convert_to_mediation", 2)
        return
    if not act("forward", rng.randrange(1, 6), unit=unit) or stage == "forwarded":
        return
    if stage == "declined":
        act("decline", rng.randrange(3, 10), reason="已进入诉讼程序，依法不予受理，已告知通过法定途径解决")
        return
    if not act("accept", rng.randrange(2, 16), notice="经审查，您反映的问题属于本单位职责范围，依法予以受理") or \
            stage == "accepted":
        return
    if stage == "extended":
        act("extend", rng.randrange(20, 50), days=30, reason="涉及多个部门，需现场核查和协调", approved_by="分管副县长")
        return
    if not act("reply", rng.randrange(15, 58), reply="经调查核实，现答复如下：已责成有关单位依法依规处理，请予理解。") or \
            stage == "replied":
        return
    if stage == "rated":  # as the petitioner does on the residents' channel
        rpc_call("rate_publicly", {"tracking_code": petition["tracking_code"], "phone_last4": phone[-4:],
                                   "satisfaction": rng.choice(["satisfied", "satisfied", "basically_satisfied",
                                                               "unsatisfied"])})
        return
    if stage == "concluded":
        act("conclude", 31)
        return
    if act("request_review", rng.randrange(3, 25), reason="对处理意见不服，请求复查"):
        act("decide_review", rng.randrange(5, 28), opinion="经复查，原处理意见认定事实清楚、适用依据正确，予以维持。")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m services.petitions.demo", description="城口县信访演示数据")
    parser.add_argument("--seed", type=int, default=500229)
    parser.add_argument("--load", action="store_true", help="写入正在运行的信访服务")
    args = parser.parse_args(argv)
    if args.load:
        from nameko.standalone.rpc import ClusterRpcProxy

        from shared import config

        with ClusterRpcProxy({"AMQP_URI": config.amqp_uri()}, timeout=600) as proxy:
            load(lambda method, *call_args: getattr(proxy.petitions, method)(*call_args))


if __name__ == "__main__":
    main()
