"""The gateway's route for disputes whose narrative (the matter, free text kept by the service the dispute came
from) is still not read: a mixin of GatewayService, entrypoints only."""
from shared.calls import call

from .accounts import M_READ
from .http import paging, route


class NarrativeRoutes:
    @route("GET", "/api/v1/mediation/narratives-missing",
           summary="来源详情仍未读到的纠纷（登记超过30分钟，含重试次数与原因），供工作人员跟进",
           tag="mediation", query={"older_than_minutes": "登记后超过多少分钟（默认30）", "page": "页码",
                                   "page_size": "每页条数"}, permission=M_READ)
    def missing_narratives(self, request):
        return call(self.mediation, "list_missing_narratives", older_than_minutes=request.args.get("older_than_minutes"),
                    **paging(request))
