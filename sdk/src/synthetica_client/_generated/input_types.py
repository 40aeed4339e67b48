from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import ExportFormat, PrivacyGate, RuleKind


class AnomaliesInput(BaseModel):
    ratio: float
    "share of rows to perturb, 0 to 1"
    mark_column: str = Field(alias="markColumn", default="")
    "when set, a boolean column of this name marks perturbed rows"


class ColumnMetadataInput(BaseModel):
    name: str
    sdtype: str
    datetime_format: Optional[str] = Field(alias="datetimeFormat", default=None)
    pii: Optional[bool] = None
    "true marks the column as personal data; else by sdtype"


class CreateProjectInput(BaseModel):
    name: str
    description: str = ""


class DifferentialPrivacyInput(BaseModel):
    """train with differential privacy (DP-SGD); engines with the DIFFERENTIAL_PRIVACY capability only. Unset fields take the defaults: delta 1e-5, maxGradNorm 1.0, noiseMultiplier 1.5"""

    epsilon: float
    "privacy budget: training stops before spending more (0 < epsilon <= 100)"
    delta: Optional[float] = None
    "0 < delta <= 1e-3"
    max_grad_norm: Optional[float] = Field(alias="maxGradNorm", default=None)
    noise_multiplier: Optional[float] = Field(alias="noiseMultiplier", default=None)


class EvaluateOptionsInput(BaseModel):
    target_column: Optional[str] = Field(alias="targetColumn", default=None)
    "ML-utility target; default: the dataset's targetColumn, else a label-like column, else the last class column or number (the report says why)"
    sample_rows: Optional[int] = Field(alias="sampleRows", default=None)
    "rows per table for the quality report and the charts"
    seed: Optional[int] = None


class ForeignKeyInput(BaseModel):
    """childTable.childColumn holds values of parentTable.parentColumn"""

    parent_table: str = Field(alias="parentTable")
    parent_column: str = Field(alias="parentColumn")
    child_table: str = Field(alias="childTable")
    child_column: str = Field(alias="childColumn")


class GenerateFromTemplateInput(BaseModel):
    template_id: Optional[str] = Field(alias="templateId", default=None)
    "a saved template (yours or shared with you)"
    builtin: Optional[str] = None
    "a built-in template: user, ecommerce_transaction, ..."
    schema_: Optional[Any] = Field(alias="schema", default=None)
    "an unsaved schema"
    schema_json_: Optional[str] = Field(alias="schemaJson", default=None)
    "an unsaved schema as a JSON string"
    project_id: str = Field(alias="projectId")
    count: int
    "rows of each table without its own count"
    seed: Optional[int] = None
    "same seed, same bytes"
    locale: str = "en_US"
    "en_US, de_DE, fr_FR, ja_JP"
    format: ExportFormat = ExportFormat.PARQUET
    options: Optional[Any] = None
    'a built-in\'s options, e.g. {"fraud_rate": 0.05}'


class GenerateInput(BaseModel):
    model_id: str = Field(alias="modelId")
    count: int
    "rows to generate; a model of several linked tables: rows of the root table, each with the children the model gives it; a sequential model: entities (whole sequences)"
    seed: Optional[int] = None
    conditions: Optional[Any] = None
    'column -> fixed value, e.g. {"sex": "Female"}, range of a numeric or datetime column, e.g. {"age": {"gte": 30, "lt": 40}} (gt, gte, lt, lte), or list of allowed values, e.g. {"race": ["White", "Black"]}; at most 50 columns and 1,000 values a list; a model of several tables: fixed values of the root table\'s columns (children follow their generated parents)'
    anomalies: Optional["AnomaliesInput"] = None
    enforce_bounds: bool = Field(alias="enforceBounds", default=True)
    "keep numbers and dates within the real column's min/max (on by default; false lets an engine extrapolate)"
    format: ExportFormat = ExportFormat.PARQUET


class LoginInput(BaseModel):
    email: str
    password: str


class RegisterInput(BaseModel):
    email: str
    password: str
    display_name: str = Field(alias="displayName", default="")
    organization: str = ""


class RuleBoundInput(BaseModel):
    """exactly one of: another column, a number, an ISO 8601 datetime"""

    column: Optional[str] = None
    number: Optional[float] = None
    datetime: Optional[str] = None


class RuleInput(BaseModel):
    """INEQUALITY: low.column ≤ high.column; RANGE: low ≤ column ≤ high (either bound may be left out); POSITIVE / NEGATIVE: column ≥ 0 / ≤ 0; FIXED_COMBINATIONS: columns only in real combinations; ONE_HOT: exactly one of columns is 1; UNIQUE: no value of column twice. strict makes ≤ a <"""

    kind: RuleKind
    column: Optional[str] = None
    columns: Optional[list[str]] = None
    low: Optional["RuleBoundInput"] = None
    high: Optional["RuleBoundInput"] = None
    strict: bool = False


class SequenceInput(BaseModel):
    """rows sharing entityKey form one sequence, ordered by orderColumn"""

    entity_key: str = Field(alias="entityKey")
    order_column: str = Field(alias="orderColumn")


class TableKeysInput(BaseModel):
    """a table's keys, replaced whole"""

    table: str
    primary_key: Optional[str] = Field(alias="primaryKey", default=None)
    "null: none"
    sequence: Optional["SequenceInput"] = None
    "null: the table is not sequential"


class TemplatePreviewInput(BaseModel):
    template_id: Optional[str] = Field(alias="templateId", default=None)
    "a saved template (yours or shared with you)"
    builtin: Optional[str] = None
    "a built-in template: user, ecommerce_transaction, ..."
    schema_: Optional[Any] = Field(alias="schema", default=None)
    "an unsaved schema"
    schema_json_: Optional[str] = Field(alias="schemaJson", default=None)
    "an unsaved schema as a JSON string"
    rows: int = 10
    "rows of each table, 1..50"
    seed: Optional[int] = None
    "same seed, same rows"
    locale: str = "en_US"
    "en_US, de_DE, fr_FR, ja_JP"
    options: Optional[Any] = None
    'a built-in\'s options, e.g. {"fraud_rate": 0.05}'


class TrainModelInput(BaseModel):
    dataset_id: str = Field(alias="datasetId")
    engine: str
    name: str = ""
    'default: the engine and the dataset ("tabular_argn on adult")'
    epochs: Optional[int] = None
    batch_size: Optional[int] = Field(alias="batchSize", default=None)
    time_budget_seconds: Optional[int] = Field(alias="timeBudgetSeconds", default=None)
    seed: Optional[int] = None
    options: Optional[Any] = None
    "engine-specific options, see engines { parameters }"
    differential_privacy: Optional["DifferentialPrivacyInput"] = Field(
        alias="differentialPrivacy", default=None
    )


class UpdateProjectInput(BaseModel):
    id: str
    name: Optional[str] = None
    description: Optional[str] = None
    privacy_gate: Optional[PrivacyGate] = Field(alias="privacyGate", default=None)
    "owners (and admins) only"
    approval_required: Optional[bool] = Field(alias="approvalRequired", default=None)
    "owners (and admins) only"


GenerateInput.model_rebuild()
RuleInput.model_rebuild()
TableKeysInput.model_rebuild()
TrainModelInput.model_rebuild()
