"""The gateway's routes for the holiday calendar (节假日安排) the grid service keeps: a mixin of GatewayService,
entrypoints only. Reading a year is for every staff member; previewing and loading a notice is the county's."""
from services.grid.api.rpc import HolidayNoticeIn
from shared.calls import call

from .accounts import A_CONFIGURE, READ
from .http import json_body, route


class CalendarRoutes:
    @route("GET", "/api/v1/calendar/years/<string:year>",
           summary="某年的放假与调休上班日、来源（国务院通知、内置日历或按法定节日推算的暂定安排）及历次导入",
           tag="calendar", permission=READ)
    def holiday_year(self, request, year):
        return call(self.grid, "holiday_year", year=year)

    @route("POST", "/api/v1/calendar/notices/preview",
           summary="预览国务院节假日安排通知：读出的放假和上班日、与现有日历不同的日子、将调整的办理时限数",
           tag="calendar", body=HolidayNoticeIn, permission=A_CONFIGURE)
    def preview_holiday_notice(self, request):
        return call(self.grid, "preview_holiday_notice", payload=json_body(request))

    @route("POST", "/api/v1/calendar/notices",
           summary="导入国务院节假日安排通知（粘贴原文或逐项填写）：各服务按新日历重算未办结事项的时限",
           tag="calendar", body=HolidayNoticeIn, status=201, permission=A_CONFIGURE)
    def load_holiday_notice(self, request):
        return call(self.grid, "load_holiday_notice", payload=json_body(request))
