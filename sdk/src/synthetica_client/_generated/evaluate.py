from .base_model import BaseModel
from .fragments import ReportFields


class Evaluate(BaseModel):
    evaluate: "EvaluateEvaluate"


EvaluateEvaluate = ReportFields
Evaluate.model_rebuild()
