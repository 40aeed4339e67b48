from .base_model import BaseModel
from .fragments import ReportFields


class Report(BaseModel):
    report: "ReportReport"


ReportReport = ReportFields
Report.model_rebuild()
