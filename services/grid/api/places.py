"""The grid's places on its public face: code tables with their Chinese labels and the request bodies of the
places routes (综治中心, 综合服务设施, 公共安全重点区域 and their 视频点位). The rules are private (`places.py`)."""
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from shared import clock

# A check reported a little ahead of the service's clock is the reporter's clock, not a time to refuse.
CLOCK_SKEW = timedelta(minutes=5)


class Subject(StrEnum):
    """What is inspected against a checklist."""
    governance_centre = "governance_centre"
    service_facility = "service_facility"


class Level(StrEnum):
    county = "county"
    township = "township"
    village = "village"


class KeyAreaKind(StrEnum):
    school = "school"
    kindergarten = "kindergarten"
    market = "market"
    bus_station = "bus_station"
    main_road = "main_road"
    hospital = "hospital"
    scenic_spot = "scenic_spot"
    square = "square"
    river_bank = "river_bank"
    other = "other"


SUBJECT_LABELS = {Subject.governance_centre: "综治中心", Subject.service_facility: "综合服务设施"}
LEVEL_LABELS = {Level.county: "县级", Level.township: "乡镇（街道）级", Level.village: "村（社区）级"}
KEY_AREA_KIND_LABELS = {
    KeyAreaKind.school: "学校", KeyAreaKind.kindergarten: "幼儿园", KeyAreaKind.market: "集贸市场",
    KeyAreaKind.bus_station: "汽车客运站", KeyAreaKind.main_road: "主要道路及路口", KeyAreaKind.hospital: "医院（卫生院）",
    KeyAreaKind.scenic_spot: "旅游景区", KeyAreaKind.square: "广场", KeyAreaKind.river_bank: "河道沿岸",
    KeyAreaKind.other: "其他重点区域",
}


# request bodies ----------------------------------------------------------------------------------------------------
class Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


AreaCode = Annotated[str, Field(pattern=r"^500229(\d{3}){0,2}$", description="县6位、乡镇9位或村（社区）12位区划代码")]
VillageCode = Annotated[str, Field(pattern=r"^500229\d{6}$", description="村（社区）12位区划代码")]
PlaceName = Annotated[str, Field(min_length=1, max_length=60)]
Address = Annotated[str, Field(min_length=1, max_length=120)]
ItemCode = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{1,39}$", description="检查项代码，小写字母、数字、下划线")]
ClientRef = Annotated[str, Field(pattern=r"^[A-Za-z0-9_.:-]{8,64}$", description="客户端生成的幂等键，重复提交只记一次")]


class CentreIn(Model):
    """登记综治中心：每个县、乡镇（街道）、村（社区）一个，再次登记同一区划即修改。"""
    area_code: AreaCode
    name: PlaceName | None = Field(default=None, description="默认为区划名称加“综治中心”")
    address: Address | None = None
    active: bool | None = Field(default=None, description="是否在用；不填则新登记的为在用、已登记的不变")


class FacilityIn(Model):
    """登记村（社区）综合服务设施：每个村（社区）一个，再次登记即修改。"""
    village_code: VillageCode
    name: PlaceName | None = Field(default=None, description="默认为村（社区）名称加“便民服务中心”")
    address: Address | None = None
    active: bool | None = Field(default=None, description="是否在用；不填则新登记的为在用、已登记的不变")


class PlaceChange(Model):
    name: PlaceName | None = None
    address: Address | None = None
    active: bool | None = None


class ChecklistItemIn(Model):
    code: ItemCode
    label: Annotated[str, Field(min_length=2, max_length=80)]
    required: bool = Field(default=True, description="必达项；非必达项不影响是否建成或达标")
    levels: list[Level] = Field(default_factory=list, max_length=3,
                                description="适用的综治中心层级，空为全部层级（综合服务设施不分层级）")


class ChecklistIn(Model):
    """县级发布的规范化建设（达标）检查清单；每次修改生成新版本。"""
    items: Annotated[list[ChecklistItemIn], Field(min_length=1, max_length=60)]

    @model_validator(mode="after")
    def _codes_unique(self):
        seen = set()
        for item in self.items:
            if item.code in seen:
                raise ValueError(f"检查项代码重复：{item.code}")
            seen.add(item.code)
        if not any(item.required for item in self.items):
            raise ValueError("清单至少要有一项必达项")
        return self


class ItemResultIn(Model):
    code: ItemCode
    passed: bool
    note: Annotated[str, Field(max_length=200)] | None = None


def _local_instant(value):
    """A date or a time without an offset is Asia/Shanghai, where the inspectors work."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=clock.LOCAL)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, 9, tzinfo=clock.LOCAL)
    return value


def _not_ahead(value):
    value = _local_instant(value)
    if value is not None and value > clock.now() + CLOCK_SKEW:
        raise ValueError("检查时间不能晚于现在")
    return value


class InspectionIn(Model):
    """一次检查：逐项判定是否通过；照片在记录后上传。"""
    inspected_at: datetime | None = Field(default=None, description="检查时间（默认现在）；只填日期按当日9时计")
    results: Annotated[list[ItemResultIn], Field(min_length=1, max_length=60)]
    notes: Annotated[str, Field(max_length=1000)] | None = None
    client_ref: ClientRef | None = None

    @field_validator("inspected_at", mode="before")
    @classmethod
    def _date_or_time(cls, value):
        if isinstance(value, str) and len(value) == 10:
            try:
                return _local_instant(date.fromisoformat(value))
            except ValueError:
                return value
        return value

    _inspected_at = field_validator("inspected_at")(_not_ahead)


class KeyAreaIn(Model):
    """登记公共安全重点区域；同一区划内名称相同即同一区域（再次登记即修改）。"""
    area_code: Annotated[str, Field(pattern=r"^500229\d{3}(\d{3})?$", description="乡镇9位或村（社区）12位区划代码")]
    kind: KeyAreaKind
    name: PlaceName
    address: Address | None = None
    active: bool | None = Field(default=None, description="是否在用；不填则新登记的为在用、已登记的不变")


class KeyAreaChange(Model):
    kind: KeyAreaKind | None = None
    name: PlaceName | None = None
    address: Address | None = None
    active: bool | None = None


PointCode = Annotated[str, Field(pattern=r"^[0-9A-Za-z_-]{4,32}$", description="点位编号（如国标20位设备编码）")]


class VideoCheckIn(Model):
    """一次点位巡检或平台状态上报。"""
    online: bool
    checked_at: datetime | None = Field(default=None, description="检查时间（默认现在）")

    _checked_at = field_validator("checked_at")(_not_ahead)


class VideoPointIn(Model):
    """登记视频点位（雪亮工程）；点位编号相同即同一点位（再次登记即修改）。可同时报一次在线状态。"""
    code: PointCode
    name: PlaceName
    online: bool | None = Field(default=None, description="登记时的在线状态（不填则待巡检）")
    checked_at: datetime | None = None
    active: bool | None = Field(default=None, description="是否在用；不填则新登记的为在用、已登记的不变")

    _checked_at = field_validator("checked_at")(_not_ahead)


class VideoPointChange(Model):
    name: PlaceName | None = None
    key_area_id: Annotated[str, Field(min_length=3, max_length=40)] | None = None
    active: bool | None = None


class PointCheckIn(VideoCheckIn):
    code: PointCode


class VideoChecksIn(Model):
    """视频平台批量上报点位状态（按点位编号）。"""
    checks: Annotated[list[PointCheckIn], Field(min_length=1, max_length=1000)]


# The kinds of sheet the places import takes.
PLACE_IMPORT_KINDS = (Subject.governance_centre.value, Subject.service_facility.value, "key_area")
