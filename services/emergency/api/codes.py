"""The emergency service's code tables with their Chinese labels: what other services, the gateway and department
systems may rely on. Codes travel in events and answers; labels are what staff read."""
from enum import StrEnum

SOURCE = "emergency"


class Hazard(StrEnum):
    flood = "flood"                  # 防汛（暴雨、洪涝）
    geological = "geological"        # 地质灾害（滑坡、泥石流、崩塌）
    forest_fire = "forest_fire"      # 森林火灾
    public_health = "public_health"  # 公共卫生
    work_safety = "work_safety"      # 安全生产
    snow_ice = "snow_ice"            # 雨雪冰冻
    earthquake = "earthquake"        # 地震


HAZARD_LABELS = {Hazard.flood: "防汛", Hazard.geological: "地质灾害", Hazard.forest_fire: "森林火灾",
                 Hazard.public_health: "公共卫生", Hazard.work_safety: "安全生产", Hazard.snow_ice: "雨雪冰冻",
                 Hazard.earthquake: "地震"}


class Level(StrEnum):
    """响应等级: I is the gravest (特别重大), IV the least (一般), as the national emergency plans count them."""
    I = "I"      # noqa: E741 - the level's official name
    II = "II"
    III = "III"
    IV = "IV"


LEVEL_LABELS = {Level.I: "Ⅰ级（特别重大）", Level.II: "Ⅱ级（重大）", Level.III: "Ⅲ级（较大）", Level.IV: "Ⅳ级（一般）"}
# How grave a level is: a task template of level III applies at III, II and I.
SEVERITY = {Level.IV: 1, Level.III: 2, Level.II: 3, Level.I: 4}


class CommandRole(StrEnum):
    commander = "commander"          # 指挥长：村（社区）党组织书记
    deputy = "deputy"                # 副指挥长
    village_cadre = "village_cadre"  # 村（社区）干部
    police = "police"                # 村警（一村一警）
    grid_worker = "grid_worker"      # 网格员
    party_member = "party_member"    # 党员（网格报到党员）


COMMAND_ROLE_LABELS = {CommandRole.commander: "指挥长", CommandRole.deputy: "副指挥长",
                       CommandRole.village_cadre: "村（社区）干部", CommandRole.police: "村警",
                       CommandRole.grid_worker: "网格员", CommandRole.party_member: "党员"}


class TaskKind(StrEnum):
    household_check = "household_check"  # 入户排查：逐户核查，一户一任务
    evacuation = "evacuation"            # 转移安置：名单内的独居老人、残疾人、卧床人员优先转移
    road_closure = "road_closure"        # 道路封控
    hourly_report = "hourly_report"      # 每小时报告
    watch = "watch"                      # 值守巡查（隐患点、河道、山林）
    materials = "materials"              # 物资调配


TASK_KIND_LABELS = {TaskKind.household_check: "入户排查", TaskKind.evacuation: "转移安置",
                    TaskKind.road_closure: "道路封控", TaskKind.hourly_report: "每小时报告",
                    TaskKind.watch: "值守巡查", TaskKind.materials: "物资调配"}


class TaskScope(StrEnum):
    """What one generated task covers: a household (one task each), a grid, or a village (community)."""
    household = "household"
    grid = "grid"
    village = "village"


TASK_SCOPE_LABELS = {TaskScope.household: "每户", TaskScope.grid: "每个网格", TaskScope.village: "每个村（社区）"}
# Which scope each kind of task is generated at: checks and evacuations per household, the rest as the plan says.
HOUSEHOLD_KINDS = frozenset({TaskKind.household_check, TaskKind.evacuation})


class HouseholdStatus(StrEnum):
    pending = "pending"            # 待核查
    checked = "checked"            # 已核查（安全）
    not_reached = "not_reached"    # 未联系上
    evacuated = "evacuated"        # 已转移至安置点
    needs_help = "needs_help"      # 需要帮助


HOUSEHOLD_STATUS_LABELS = {HouseholdStatus.pending: "待核查", HouseholdStatus.checked: "已核查",
                           HouseholdStatus.not_reached: "未联系上", HouseholdStatus.evacuated: "已转移",
                           HouseholdStatus.needs_help: "需要帮助"}
# A household whose people are known to be safe: its vulnerable residents count as accounted for.
ACCOUNTED = frozenset({HouseholdStatus.checked, HouseholdStatus.evacuated})
REPORTED = tuple(s for s in HouseholdStatus if s != HouseholdStatus.pending)


class ActivationStatus(StrEnum):
    active = "active"            # 战时（响应中）
    deactivated = "deactivated"  # 已解除（战→平）


ACTIVATION_STATUS_LABELS = {ActivationStatus.active: "响应中", ActivationStatus.deactivated: "已解除"}


class PlanStatus(StrEnum):
    draft = "draft"            # 草稿
    published = "published"    # 现行
    superseded = "superseded"  # 已被新版本替代


PLAN_STATUS_LABELS = {PlanStatus.draft: "草稿", PlanStatus.published: "现行", PlanStatus.superseded: "已替代"}
# A plan is reviewed every year; past that it is flagged as outdated (预案过期未修订).
REVIEW_DAYS = 365


class VulnerableKind(StrEnum):
    """Who the grid registry lists for assisted evacuation. Personal data: never in events, never stored here;
    only the grid shows it, and only to roles that may see it."""
    elderly_alone = "elderly_alone"  # 独居（空巢）老人
    disabled = "disabled"            # 残疾人
    bedridden = "bedridden"          # 卧床、失能人员


VULNERABLE_KIND_LABELS = {VulnerableKind.elderly_alone: "独居老人", VulnerableKind.disabled: "残疾人",
                          VulnerableKind.bedridden: "卧床人员"}

# Permissions the gateway grants for this service's routes.
P_READ, P_PLAN, P_COMMAND, P_REPORT = "emergency.read", "emergency.plan", "emergency.command", "emergency.report"


def labels(table: dict) -> dict[str, str]:
    """A code table as plain {code: label} for answers and the console."""
    return {str(k): v for k, v in table.items()}
