"""The year's 群众安全感 and satisfaction survey: a questionnaire (a new version when its questions change), the
sample of households per village drawn from the grid's events, one-time codes handed to the households (the slip
list is shown once and only the codes' hashes are kept), answers on the residents' page by code, the results of an
area with sample size and margin of error, and the close, which enters the county's and every township's scores
beside the city average into the scorecard. The rules are in surveys.py."""
from shared import clock
from shared.errors import Conflict, NotFound, ValidationFailed, parse

from . import surveys
from .api.codes import ANSWER_SCALE, COUNTY_CODE, DEFAULT_QUESTIONS, SURVEY_INDICATORS, SURVEY_STATUS
from .api.events import SurveyClosed, SurveyFiguresRecorded
from .api.rpc import AnswerIn, CodeIn, SurveyCloseIn, SurveyIn
from .commands import TOWNSHIP_KINDS, VILLAGE_KINDS, view_area
from .scheme_commands import _entry, _moved, require_county


def _questionnaire(work, questions: list[dict], year: int, session) -> dict:
    """The questionnaire with exactly these questions, or a new version of the year's."""
    for found in work.store.find("questionnaires", {"year": year}, ("version", 1)):
        if found["questions"] == questions:
            return found
    version = len(work.store.find("questionnaires", {"year": year})) + 1
    doc = {"_id": f"QN{year}-v{version}", "year": year, "version": version, "questions": questions}
    work.store.insert("questionnaires", doc, session)
    return doc


def open_survey(work, payload: dict, doors=lambda ids: {}) -> dict:
    require_county(work)
    command = parse(SurveyIn, payload)
    questions = [q.model_dump() for q in command.questions] if command.questions else DEFAULT_QUESTIONS
    if len({q["code"] for q in questions}) != len(questions):
        raise ValidationFailed("题目代码重复", field="questions")
    if {q["indicator"] for q in questions} != set(SURVEY_INDICATORS):
        raise ValidationFailed("问卷应覆盖群众安全感、政法队伍满意度、司法公信力三项", field="questions")
    survey_id = f"SV{command.year}"
    if work.store.get("surveys", survey_id):
        raise Conflict("本年度测评已开始（一年一次）", field="year", code="survey.exists")
    villages = work.store.areas({"kind": {"$in": list(VILLAGE_KINDS)}})
    slips, codes = [], []
    for village in villages:
        households = [h["_id"] for h in work.store.rows("households", {"village_code": village["_id"]})]
        for household_id in surveys.sample(households, command.households_per_village, command.seed,
                                           village["_id"]):
            code = surveys.new_code()
            slips.append({"village_code": village["_id"], "village_name": village["name"],
                          "household_id": household_id, "code": code})
            codes.append({"_id": surveys.code_hash(code), "survey_id": survey_id, "village_code": village["_id"],
                          "township_code": village["_id"][:9], "used": False})

    def save(tx):
        questionnaire = _questionnaire(work, questions, command.year, tx.session)
        work.store.insert("surveys", {"_id": survey_id, "year": command.year, "questionnaire_id": questionnaire["_id"],
                                      "households_per_village": command.households_per_village,
                                      "seed": command.seed, "status": "open", "sampled": len(codes),
                                      "history": [_entry(work, "open", f"抽样{len(codes)}户")]}, tx.session)
        if codes:
            work.store.db.survey_codes.insert_many(codes, session=tx.session)

    work.transaction(save)
    # The slips (the household's 户号, address and masked head, and its code) are given once, to be printed and
    # handed out; only the codes' hashes stay.
    found = doors([s["household_id"] for s in slips])
    for slip in slips:
        door = found.get(slip["household_id"], {})
        slip.update(household_number=door.get("household_number"), address=door.get("address"), head=door.get("head"))
    return {**get_survey(work, survey_id), "slips": slips}


def _survey(work, survey_id: str) -> dict:
    found = work.store.get("surveys", str(survey_id))
    if found is None:
        raise NotFound("没有此测评", field="survey_id", code="survey.not_found")
    return found


def _open_code(work, code: str, session=None) -> tuple[dict, dict]:
    found = work.store.db.survey_codes.find_one({"_id": surveys.code_hash(code)}, session=session)
    if found is None:
        raise NotFound("测评码不正确", field="code", code="survey.code_unknown")
    survey = _survey(work, found["survey_id"])
    if survey["status"] != "open":
        raise Conflict("测评已结束", field="code", code="survey.closed")
    if found["used"]:
        raise Conflict("此测评码已作答，每户只答一次", field="code", code="survey.code_used")
    return found, survey


def questions_for(work, payload: dict) -> dict:
    """The questions a household with this code answers (the residents' page asks first)."""
    command = parse(CodeIn, payload)
    _, survey = _open_code(work, command.code)
    questionnaire = work.store.get("questionnaires", survey["questionnaire_id"])
    return {"year": survey["year"], "questions": [{"code": q["code"], "text": q["text"]}
                                                  for q in questionnaire["questions"]],
            "scale": {str(k): v for k, v in ANSWER_SCALE.items()}}


def answer(work, payload: dict) -> dict:
    command = parse(AnswerIn, payload)
    found, survey = _open_code(work, command.code)
    questions = work.store.get("questionnaires", survey["questionnaire_id"])["questions"]
    missing = [q["code"] for q in questions if q["code"] not in command.answers]
    if missing or set(command.answers) - {q["code"] for q in questions}:
        raise ValidationFailed("请回答问卷的每一题（且只答问卷中的题）", field="answers")

    def save(tx):
        taken = work.store.db.survey_codes.update_one({"_id": found["_id"], "used": False},
                                                      {"$set": {"used": True}}, session=tx.session)
        if taken.modified_count != 1:
            raise Conflict("此测评码已作答，每户只答一次", field="code", code="survey.code_used")
        # The answer keeps its village and its scores, not the code and not the household.
        work.store.db.survey_answers.insert_one({
            "survey_id": survey["_id"], "village_code": found["village_code"],
            "township_code": found["township_code"], "area_path": [COUNTY_CODE, found["township_code"],
                                                                   found["village_code"]],
            "answers": command.answers, "scores": surveys.household_scores(command.answers, questions),
            "day": clock.today().isoformat()}, session=tx.session)

    work.transaction(save)
    return {"accepted": True, "message": "感谢参与平安建设满意度测评"}


def results_of(work, survey_id: str, area_code: str | None) -> dict:
    area = view_area(work, area_code)
    survey = _survey(work, survey_id)
    rows = list(work.store.db.survey_answers.find({"survey_id": survey["_id"], "area_path": area["_id"]}))
    prefix = {"township_code": area["_id"]} if len(area["_id"]) == 9 else (
        {"village_code": area["_id"]} if len(area["_id"]) == 12 else {})
    sampled = work.store.db.survey_codes.count_documents({"survey_id": survey["_id"], **prefix})
    return {"survey_id": survey["_id"], "area_code": area["_id"], "area_name": area["name"],
            "sampled": sampled, "answered": len(rows), "indicators": surveys.results(rows)}


def get_survey(work, survey_id: str) -> dict:
    found = _survey(work, survey_id)
    answered = work.store.db.survey_answers.count_documents({"survey_id": found["_id"]})
    return {"survey_id": found["_id"], "year": found["year"], "questionnaire_id": found["questionnaire_id"],
            "households_per_village": found["households_per_village"], "seed": found["seed"],
            "status": found["status"], "status_label": SURVEY_STATUS[found["status"]], "sampled": found["sampled"],
            "answered": answered}


def list_surveys(work) -> dict:
    return {"items": [get_survey(work, s["_id"]) for s in work.store.find("surveys", {}, ("year", -1))]}


def close_survey(work, survey_id: str, payload: dict) -> dict:
    """Close the survey: the county's and each township's scores (with their n) enter the scorecard beside the
    city's averages."""
    require_county(work)
    command = parse(SurveyCloseIn, payload)
    survey = _survey(work, survey_id)
    if survey["status"] != "open":
        raise Conflict("测评已结束", field="survey_id", code="survey.closed")
    codes = [COUNTY_CODE] + [a["_id"] for a in work.store.areas({"kind": {"$in": list(TOWNSHIP_KINDS)}})]
    answered = work.store.db.survey_answers.count_documents({"survey_id": survey["_id"]})

    def save(tx):
        for code in codes:
            rows = list(work.store.db.survey_answers.find({"survey_id": survey["_id"], "area_path": code},
                                                          session=tx.session))
            for indicator, found in surveys.results(rows).items():
                if found["value"] is None:
                    continue
                average = command.city_average[indicator]
                source = f"乡治问卷测评（{found['n']}户，误差±{found['margin'] or 0}）"
                work.store.save_survey_figure({"_id": f"{code}:{survey['year']}:{indicator}", "year": survey["year"],
                                               "area_code": code, "indicator": indicator, "value": found["value"],
                                               "city_average": average, "source": source,
                                               "recorded_by": work.actor_ref()}, tx.session)
                tx.emit(SurveyFiguresRecorded(year=survey["year"], area_code=code, indicator=indicator,
                                              value=found["value"], city_average=average), area_code=code)
        _moved(work.store.move("surveys", survey, {"status": "closed"}, _entry(work, "close"), tx.session))
        tx.emit(SurveyClosed(survey_id=survey["_id"], year=survey["year"], questionnaire_id=survey["questionnaire_id"],
                             sampled=survey["sampled"], answered=answered), area_code=COUNTY_CODE)

    work.transaction(save)
    return get_survey(work, survey_id)
