"""The petitions service's events. Its service arrives with the petitions issue; the conversion to mediation is
written now because the mediation service consumes it. Ids and codes only."""
from datetime import datetime

from pydantic import Field

from shared.events import EventData, event

SOURCE = "petitions"


@event(SOURCE, "petition.converted_to_mediation",
       summary="信访事项转人民调解 (a petition that is a civil dispute goes to mediation; the mediation service "
               "opens one dispute for it)")
class PetitionConvertedToMediation(EventData):
    petition_id: str
    area_code: str = Field(description="事发地：村（社区）或网格代码")
    village_code: str
    township_code: str
    dispute_category: str = Field(description="mediation category, e.g. neighbour, land_forest, labour")
    collective: bool = Field(description="集体访")
    petitioner_resident_ids: list[str] = Field(description="登记居民的信访人编号（不含姓名等个人信息）")
    registered_at: datetime
