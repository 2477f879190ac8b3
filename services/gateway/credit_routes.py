"""The gateway's routes for credit and points (道德银行、积分存折、积分超市、诚信): a mixin of GatewayService,
entrypoints only."""
import base64

from nameko.rpc import RpcProxy
from nameko.web.handlers import http

from services.credit.api import codes as credit_codes
from services.credit.api.codes import AWARD_WORKFLOW
from services.credit.api.rpc import (
    AwardActionIn,
    AwardObjectionIn,
    CreditAppealDecision,
    CreditAppealIn,
    CreditAwardIn,
    CreditEnterpriseIn,
    DisciplineQueryIn,
    EnterpriseRecordIn,
    EntryCorrectionIn,
    PointsItemIn,
    PointsRuleIn,
    PointsStockIn,
    PointsStoreIn,
    PublicPassbookIn,
    RedeemIn,
    RedemptionCancelIn,
)
from shared.calls import call
from shared.errors import NotFound, ValidationFailed

from .accounts import C_APPROVE, C_AWARD, C_CONFIGURE, C_READ, C_STORE
from .http import json_body, json_response, paging, query_bool, route

PAGING = {"page": "页码，从1开始", "page_size": "每页条数，最多200"}
MAX_LIST_BYTES = 10 * 1024 * 1024


def _any(actions: list[str]) -> str:
    return f"<any({','.join(actions)}):action>"


class CreditRoutes:
    credit = RpcProxy("credit")

    # residents' channel (no account) --------------------------------------------------------------------------
    @route("POST", "/api/v1/public/credit/passbook", summary="群众凭户号和家庭成员登记手机号后四位查询本户积分存折",
           tag="public", body=PublicPassbookIn, public_write=True)
    def credit_public_passbook(self, request):
        body = json_body(request)
        return call(self.credit, "public_passbook", household_number=str(body.get("household_number", "")),
                    phone_last4=str(body.get("phone_last4", "")))

    @route("GET", "/api/v1/public/credit/notices", summary="村（社区）积分公示栏（姓名已脱敏）", tag="public",
           query={"village_code": "村（社区）代码", **PAGING})
    def credit_public_notices(self, request):
        return call(self.credit, "public_notices", village_code=request.args.get("village_code", ""),
                    **paging(request, 50))

    @route("POST", "/api/v1/public/credit/notices/<string:award_id>/objections", summary="群众对公示中的积分提出异议",
           tag="public", body=AwardObjectionIn, public_write=True)
    def credit_public_objection(self, request, award_id):
        return call(self.credit, "object_publicly", award_id=award_id, reason=str(json_body(request).get("reason", "")))

    @route("GET", "/api/v1/public/credit/rankings", summary="村（社区）积分排行（姓名已脱敏）", tag="public",
           query={"village_code": "村（社区）代码"})
    def credit_public_ranking(self, request):
        return call(self.credit, "public_ranking", village_code=request.args.get("village_code", ""), limit=20)

    # reference ---------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/credit/reference", summary="积分参考数据：类别、触发事件、周期、申报流转表、诚信等级、惩戒措施",
           tag="credit", permission=C_READ)
    def credit_reference(self, request):
        return {"categories": credit_codes.CATEGORIES, "triggers": credit_codes.TRIGGERS,
                "periods": credit_codes.PERIODS, "workflow": credit_codes.AWARD_WORKFLOW.table(),
                "statuses": {str(k): v for k, v in credit_codes.AWARD_STATUS_LABELS.items()},
                "levels": {str(k): v for k, v in credit_codes.LEVEL_LABELS.items()},
                "discipline": credit_codes.DISCIPLINE, "evidence_kinds": credit_codes.EVIDENCE_LABELS,
                "redemption_statuses": credit_codes.REDEMPTION_STATUS_LABELS}

    # passbooks and the ledger -------------------------------------------------------------------------------
    @route("GET", "/api/v1/credit/passbooks", summary="积分存折列表", tag="credit",
           query={"area_code": "区划代码", "household_number": "户号",
                  "sort": "排序：balance、earned_total、household_number，前加 - 为倒序", **PAGING},
           permission=C_READ)
    def credit_list_passbooks(self, request):
        args = request.args
        return call(self.credit, "list_passbooks", area_code=args.get("area_code"),
                    household_number=args.get("household_number"), **paging(request), sort=args.get("sort"))

    @route("GET", "/api/v1/credit/passbooks/<string:household_id>", summary="一户的积分存折：余额、诚信等级、每笔流水及其规则",
           tag="credit", query=PAGING, permission=C_READ)
    def credit_get_passbook(self, request, household_id):
        return call(self.credit, "get_passbook", household_id=household_id, **paging(request))

    @route("POST", "/api/v1/credit/passbooks/<string:household_id>/open", summary="为积分服务上线前登记的户开立存折",
           tag="credit", permission=C_CONFIGURE)
    def credit_open_passbook(self, request, household_id):
        return call(self.credit, "open_passbook_for", household_id=household_id)

    @route("POST", "/api/v1/credit/entries/<string:entry_id>/correct", summary="冲正一笔流水（追加反向流水，原流水不改）",
           tag="credit", body=EntryCorrectionIn, status=201, permission=C_APPROVE)
    def credit_correct_entry(self, request, entry_id):
        return call(self.credit, "correct_entry", entry_id=entry_id, payload=json_body(request))

    @route("GET", "/api/v1/credit/rankings", summary="村（社区）积分排行（姓名已脱敏）", tag="credit",
           query={"village_code": "村（社区）代码"}, permission=C_READ)
    def credit_ranking(self, request):
        return call(self.credit, "ranking", village_code=request.args.get("village_code", ""), limit=20)

    # rules ------------------------------------------------------------------------------------------------
    @route("GET", "/api/v1/credit/rules", summary="积分规则目录", tag="credit", permission=C_READ)
    def credit_list_credit_rules(self, request):
        return call(self.credit, "list_rules")

    @route("PUT", "/api/v1/credit/rules/<string:code>", summary="新增或修改积分规则（分值、类别、上限、触发方式）",
           tag="credit", body=PointsRuleIn, permission=C_CONFIGURE)
    def credit_save_credit_rule(self, request, code):
        return call(self.credit, "save_rule", payload={**json_body(request), "code": code})

    # manual awards -----------------------------------------------------------------------------------------
    @route("POST", "/api/v1/credit/awards", summary="申报积分（附佐证材料，待他人复核）", tag="credit",
           body=CreditAwardIn, status=201, permission=C_AWARD)
    def credit_submit_award(self, request):
        return call(self.credit, "submit_award", payload=json_body(request))

    @route("GET", "/api/v1/credit/awards", summary="积分申报列表（复核队列）", tag="credit",
           query={"status": "状态，可逗号分隔多个", "area_code": "区划代码",
                  "sort": "排序：submitted_at、notice_until、status，前加 - 为倒序", **PAGING}, permission=C_READ)
    def credit_list_awards(self, request):
        args = request.args
        return call(self.credit, "list_awards", status=args.get("status"), area_code=args.get("area_code"),
                    **paging(request), sort=args.get("sort"))

    @route("GET", "/api/v1/credit/awards/<string:award_id>", summary="积分申报详情：佐证、异议、流转记录", tag="credit",
           permission=C_READ)
    def credit_get_award(self, request, award_id):
        return call(self.credit, "get_award", award_id=award_id)

    @route("POST", "/api/v1/credit/awards/<string:award_id>/" + _any(AWARD_WORKFLOW.actions_for(credit_codes.APPROVE)),
           summary="复核操作：复核通过并公示、复核不通过、异议成立、异议不成立、公示期满入账", tag="credit",
           body=AwardActionIn, permission=C_APPROVE)
    def credit_approve_award(self, request, award_id, action):
        return call(self.credit, "act_on_award", award_id=award_id, payload={**json_body(request), "action": action})

    @route("POST", "/api/v1/credit/awards/<string:award_id>/" + _any(AWARD_WORKFLOW.actions_for(credit_codes.AWARD)),
           summary="登记群众对公示积分的异议", tag="credit", body=AwardActionIn, permission=C_AWARD)
    def credit_object_award(self, request, award_id, action):
        return call(self.credit, "act_on_award", award_id=award_id, payload={**json_body(request), "action": action})

    @http("POST", "/api/v1/credit/awards/<string:award_id>/<path:action>")
    def credit_unknown_award_action(self, request, award_id, action):
        error = NotFound(f"没有此操作，操作应为以下之一：{'、'.join(credit_codes.AWARD_WORKFLOW.transitions)}", field="action",
                         code="award.unknown_action")
        return json_response(error.to_dict(), error.status)

    @route("GET", "/api/v1/credit/notices", summary="积分公示栏（姓名已脱敏）", tag="credit",
           query={"village_code": "村（社区）代码", **PAGING}, permission=C_READ)
    def credit_notices(self, request):
        return call(self.credit, "notices", village_code=request.args.get("village_code"), **paging(request, 50))

    # the points supermarket ----------------------------------------------------------------------------------
    @route("GET", "/api/v1/credit/stores", summary="积分超市", tag="credit", query={"village_code": "村（社区）代码"},
           permission=C_READ)
    def credit_list_stores(self, request):
        return call(self.credit, "list_stores", village_code=request.args.get("village_code"))

    @route("PUT", "/api/v1/credit/stores/<string:store_id>", summary="新增或修改积分超市", tag="credit",
           body=PointsStoreIn, permission=C_CONFIGURE)
    def credit_save_store(self, request, store_id):
        return call(self.credit, "save_store", payload={**json_body(request), "store_id": store_id})

    @route("GET", "/api/v1/credit/stores/<string:store_id>/stock", summary="积分超市库存", tag="credit",
           permission=C_READ)
    def credit_store_stock(self, request, store_id):
        return call(self.credit, "stock", store_id=store_id)

    @route("POST", "/api/v1/credit/stores/<string:store_id>/stock", summary="入库或盘亏", tag="credit",
           body=PointsStockIn, permission=C_STORE)
    def credit_add_stock(self, request, store_id):
        return call(self.credit, "add_stock", store_id=store_id, payload=json_body(request))

    @route("GET", "/api/v1/credit/items", summary="积分超市商品", tag="credit", permission=C_READ)
    def credit_list_items(self, request):
        return call(self.credit, "list_items")

    @route("PUT", "/api/v1/credit/items/<string:item_id>", summary="新增或修改商品及其兑换积分", tag="credit",
           body=PointsItemIn, permission=C_CONFIGURE)
    def credit_save_item(self, request, item_id):
        return call(self.credit, "save_item", payload={**json_body(request), "item_id": item_id})

    @route("POST", "/api/v1/credit/redemptions", summary="积分兑换：同时预留库存和积分", tag="credit", body=RedeemIn,
           status=201, permission=C_STORE)
    def credit_reserve(self, request):
        return call(self.credit, "reserve", payload=json_body(request))

    @route("GET", "/api/v1/credit/redemptions", summary="兑换记录", tag="credit",
           query={"store_id": "积分超市编号", "status": "reserved、fulfilled 或 cancelled", "household_id": "户编号",
                  **PAGING}, permission=C_READ)
    def credit_list_redemptions(self, request):
        args = request.args
        return call(self.credit, "list_redemptions", store_id=args.get("store_id"), status=args.get("status"),
                    household_id=args.get("household_id"), **paging(request))

    @route("POST", "/api/v1/credit/redemptions/<string:redemption_id>/fulfil", summary="群众领取兑换物品",
           tag="credit", permission=C_STORE)
    def credit_fulfil(self, request, redemption_id):
        return call(self.credit, "fulfil", redemption_id=redemption_id)

    @route("POST", "/api/v1/credit/redemptions/<string:redemption_id>/cancel", summary="取消兑换（退回库存和积分）",
           tag="credit", body=RedemptionCancelIn, permission=C_STORE)
    def credit_cancel_redemption(self, request, redemption_id):
        return call(self.credit, "cancel", redemption_id=redemption_id, reason=json_body(request).get("reason"))

    # integrity ratings, enterprises, the debtor list, appeals --------------------------------------------------
    @route("GET", "/api/v1/credit/ratings", summary="诚信等级列表（含评定依据）", tag="credit",
           query={"subject_kind": "household 或 enterprise", "level": "AAA、AA、A、B、C", "area_code": "区划代码",
                  **PAGING}, permission=C_READ)
    def credit_list_ratings(self, request):
        args = request.args
        return call(self.credit, "list_ratings", subject_kind=args.get("subject_kind"), level=args.get("level"),
                    area_code=args.get("area_code"), **paging(request))

    @route("GET", "/api/v1/credit/ratings/<string:subject_kind>/<string:subject_id>",
           summary="一户或一家企业的诚信等级及评定依据（subject_kind 为 household 或 enterprise）", tag="credit", permission=C_READ)
    def credit_get_rating(self, request, subject_kind, subject_id):
        return call(self.credit, "get_rating", subject_kind=subject_kind, subject_id=subject_id)

    @route("GET", "/api/v1/credit/enterprises", summary="参与诚信评级的企业", tag="credit",
           query={"area_code": "区划代码"}, permission=C_READ)
    def credit_list_enterprises(self, request):
        return call(self.credit, "list_enterprises", area_code=request.args.get("area_code"))

    @route("PUT", "/api/v1/credit/enterprises/<string:enterprise_code>", summary="新增或修改企业（统一社会信用代码）",
           tag="credit", body=CreditEnterpriseIn, permission=C_CONFIGURE)
    def credit_save_enterprise(self, request, enterprise_code):
        return call(self.credit, "save_enterprise", payload={**json_body(request), "enterprise_code": enterprise_code})

    @route("POST", "/api/v1/credit/enterprises/<string:enterprise_code>/records", summary="记录企业表彰或违法违规",
           tag="credit", body=EnterpriseRecordIn, status=201, permission=C_CONFIGURE)
    def credit_add_enterprise_record(self, request, enterprise_code):
        return call(self.credit, "add_enterprise_record", enterprise_code=enterprise_code, payload=json_body(request))

    @route("GET", "/api/v1/credit/listings", summary="失信被执行人名单（姓名、身份证号已脱敏）", tag="credit",
           query={"status": "active 或 delisted", "area_code": "区划代码", **PAGING}, permission=C_READ)
    def credit_list_listings(self, request):
        return call(self.credit, "list_listings", status=request.args.get("status", "active") or None,
                    area_code=request.args.get("area_code"), **paging(request))

    @route("POST", "/api/v1/credit/listings/import", summary="导入法院失信被执行人名单（.xlsx 或 .csv），先校验全部行",
           tag="credit", permission=C_CONFIGURE, query={"dry_run": "true 只校验不写入（默认）"}, upload={})
    def credit_import_listings(self, request):
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            raise ValidationFailed("请选择要上传的文件", field="file", code="import.no_file")
        content = upload.read(MAX_LIST_BYTES + 1)
        if len(content) > MAX_LIST_BYTES:
            raise ValidationFailed("文件过大（上限10MB）", field="file", code="file.too_large")
        return call(self.credit, "import_debtors", filename=upload.filename,
                    content_base64=base64.b64encode(content).decode(), dry_run=query_bool(request, "dry_run", True),
                    timeout=120)

    @route("POST", "/api/v1/credit/listings/<string:listing_id>/delist", summary="法院撤销：提前移出名单",
           tag="credit", permission=C_CONFIGURE)
    def credit_delist(self, request, listing_id):
        return call(self.credit, "delist", listing_id=listing_id)

    @route("POST", "/api/v1/credit/discipline", summary="联合惩戒查询（身份证号、户编号或统一社会信用代码放在请求体）",
           tag="credit", body=DisciplineQueryIn, permission=C_READ)
    def credit_joint_discipline(self, request):
        body = json_body(request)
        return call(self.credit, "joint_discipline", id_number=body.get("id_number"),
                    household_id=body.get("household_id"), enterprise_code=body.get("enterprise_code"))

    @route("GET", "/api/v1/credit/appeals", summary="诚信申诉", tag="credit", query={"status": "open 或 decided"},
           permission=C_READ)
    def credit_list_appeals(self, request):
        return call(self.credit, "list_appeals", status=request.args.get("status"))

    @route("POST", "/api/v1/credit/appeals", summary="登记对失信名单或诚信评级的申诉", tag="credit",
           body=CreditAppealIn, status=201, permission=C_AWARD)
    def credit_submit_appeal(self, request):
        return call(self.credit, "submit_appeal", payload=json_body(request))

    @route("POST", "/api/v1/credit/appeals/<string:appeal_id>/decide", summary="处理申诉（成立则移出名单）",
           tag="credit", body=CreditAppealDecision, permission=C_APPROVE)
    def credit_decide_appeal(self, request, appeal_id):
        return call(self.credit, "decide_appeal", appeal_id=appeal_id, payload=json_body(request))
