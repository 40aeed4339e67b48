from datetime import datetime
from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel
from .enums import (
    BatchGateState,
    BatchStatus,
    DatasetStatus,
    ExportFormat,
    JobKind,
    JobStatus,
    ModelStatus,
    PrivacyGate,
    PrivacyVerdict,
    ProjectRole,
    ReportKind,
    ReportStatus,
    Role,
    RuleKind,
)


class BatchFields(BaseModel):
    id: str
    project_id: str = Field(alias="projectId")
    model_id: Optional[str] = Field(alias="modelId")
    dataset_id: Optional[str] = Field(alias="datasetId")
    job_id: str = Field(alias="jobId")
    status: Optional[BatchStatus]
    row_count: int = Field(alias="rowCount")
    format: Optional[ExportFormat]
    error: str
    template_id: Optional[str] = Field(alias="templateId")
    tables: list[str]
    quality_score: Optional[float] = Field(alias="qualityScore")
    privacy_verdict: Optional[PrivacyVerdict] = Field(alias="privacyVerdict")
    created_at: Optional[datetime] = Field(alias="createdAt")
    expires_at: Optional[datetime] = Field(alias="expiresAt")
    gate: Optional["BatchFieldsGate"]
    conditions: Optional[Any]


class BatchFieldsGate(BaseModel):
    state: Optional[BatchGateState]
    message: str
    reason: str
    released_by: Optional[str] = Field(alias="releasedBy")
    released_at: Optional[datetime] = Field(alias="releasedAt")
    can_release: bool = Field(alias="canRelease")


class ColumnFields(BaseModel):
    name: str
    data_type: str = Field(alias="dataType")
    sdtype: str
    pii: bool
    datetime_format: Optional[str] = Field(alias="datetimeFormat")


class ConnectionFields(BaseModel):
    id: str
    project_id: str = Field(alias="projectId")
    name: str
    masked_url: str = Field(alias="maskedUrl")
    dialect: str
    created_at: Optional[datetime] = Field(alias="createdAt")


class DatasetTableFields(BaseModel):
    name: str
    file_name: str = Field(alias="fileName")
    status: DatasetStatus
    error: Optional[str]
    error_code: Optional[str] = Field(alias="errorCode")
    row_count: int = Field(alias="rowCount")
    train_row_count: int = Field(alias="trainRowCount")
    holdout_row_count: int = Field(alias="holdoutRowCount")
    columns: list["DatasetTableFieldsColumns"]
    primary_key: Optional[str] = Field(alias="primaryKey")
    sequence: Optional["DatasetTableFieldsSequence"]
    suggested_sequence: Optional["DatasetTableFieldsSuggestedSequence"] = Field(
        alias="suggestedSequence"
    )
    warnings: list[str]


class DatasetTableFieldsColumns(ColumnFields):
    pass


class DatasetTableFieldsSequence(BaseModel):
    entity_key: str = Field(alias="entityKey")
    order_column: str = Field(alias="orderColumn")


class DatasetTableFieldsSuggestedSequence(BaseModel):
    entity_key: str = Field(alias="entityKey")
    order_column: str = Field(alias="orderColumn")


class ForeignKeyFields(BaseModel):
    parent_table: str = Field(alias="parentTable")
    parent_column: str = Field(alias="parentColumn")
    child_table: str = Field(alias="childTable")
    child_column: str = Field(alias="childColumn")


class RuleFields(BaseModel):
    kind: RuleKind
    column: Optional[str]
    columns: list[str]
    low: Optional["RuleFieldsLow"]
    high: Optional["RuleFieldsHigh"]
    strict: bool
    description: str
    real_violation_count: int = Field(alias="realViolationCount")


class RuleFieldsLow(BaseModel):
    column: Optional[str]
    number: Optional[float]
    datetime: Optional[str]


class RuleFieldsHigh(BaseModel):
    column: Optional[str]
    number: Optional[float]
    datetime: Optional[str]


class DatasetFields(BaseModel):
    id: str
    project_id: str = Field(alias="projectId")
    name: str
    file_name: str = Field(alias="fileName")
    status: DatasetStatus
    error: Optional[str]
    error_code: Optional[str] = Field(alias="errorCode")
    row_count: int = Field(alias="rowCount")
    train_row_count: int = Field(alias="trainRowCount")
    holdout_row_count: int = Field(alias="holdoutRowCount")
    size_bytes: int = Field(alias="sizeBytes")
    columns: list["DatasetFieldsColumns"]
    primary_key: Optional[str] = Field(alias="primaryKey")
    warnings: list[str]
    created_at: Optional[datetime] = Field(alias="createdAt")
    tables: list["DatasetFieldsTables"]
    foreign_keys: list["DatasetFieldsForeignKeys"] = Field(alias="foreignKeys")
    referential_problems: list["DatasetFieldsReferentialProblems"] = Field(
        alias="referentialProblems"
    )
    rules: list["DatasetFieldsRules"]


class DatasetFieldsColumns(ColumnFields):
    pass


class DatasetFieldsTables(DatasetTableFields):
    pass


class DatasetFieldsForeignKeys(ForeignKeyFields):
    pass


class DatasetFieldsReferentialProblems(BaseModel):
    foreign_key: "DatasetFieldsReferentialProblemsForeignKey" = Field(
        alias="foreignKey"
    )
    orphan_count: int = Field(alias="orphanCount")
    orphan_examples: list[str] = Field(alias="orphanExamples")
    duplicate_parent_key_count: int = Field(alias="duplicateParentKeyCount")
    duplicate_parent_key_examples: list[str] = Field(alias="duplicateParentKeyExamples")
    null_child_key_count: int = Field(alias="nullChildKeyCount")
    null_parent_key_count: int = Field(alias="nullParentKeyCount")


class DatasetFieldsReferentialProblemsForeignKey(ForeignKeyFields):
    pass


class DatasetFieldsRules(RuleFields):
    pass


class JobFields(BaseModel):
    id: str
    kind: Optional[JobKind]
    status: Optional[JobStatus]
    project_id: str = Field(alias="projectId")
    model_id: Optional[str] = Field(alias="modelId")
    batch_id: Optional[str] = Field(alias="batchId")
    error: str
    attempts: int
    progress: "JobFieldsProgress"
    created_at: Optional[datetime] = Field(alias="createdAt")
    started_at: Optional[datetime] = Field(alias="startedAt")
    finished_at: Optional[datetime] = Field(alias="finishedAt")
    review: Optional["JobFieldsReview"]
    name: Optional[str]


class JobFieldsProgress(BaseModel):
    percent: float
    epoch: int
    total_epochs: int = Field(alias="totalEpochs")
    loss: Optional[float]
    eta_seconds: Optional[float] = Field(alias="etaSeconds")
    message: str


class JobFieldsReview(BaseModel):
    approved: bool
    reviewer_id: str = Field(alias="reviewerId")
    comment: str
    reviewed_at: Optional[datetime] = Field(alias="reviewedAt")


class JobUpdateFields(BaseModel):
    job_id: str = Field(alias="jobId")
    status: JobStatus
    percent: float
    epoch: int
    total_epochs: int = Field(alias="totalEpochs")
    loss: Optional[float]
    eta_seconds: Optional[float] = Field(alias="etaSeconds")
    message: str
    error: str
    model_id: Optional[str] = Field(alias="modelId")
    batch_id: Optional[str] = Field(alias="batchId")


class ModelFields(BaseModel):
    id: str
    project_id: str = Field(alias="projectId")
    dataset_id: str = Field(alias="datasetId")
    name: str
    engine: str
    status: Optional[ModelStatus]
    error: str
    params: "ModelFieldsParams"
    metrics: Any
    privacy_spent: Optional["ModelFieldsPrivacySpent"] = Field(alias="privacySpent")
    created_at: Optional[datetime] = Field(alias="createdAt")


class ModelFieldsParams(BaseModel):
    epochs: Optional[int]
    batch_size: Optional[int] = Field(alias="batchSize")
    time_budget_seconds: Optional[int] = Field(alias="timeBudgetSeconds")
    seed: Optional[int]
    options: Any
    differential_privacy: Optional["ModelFieldsParamsDifferentialPrivacy"] = Field(
        alias="differentialPrivacy"
    )


class ModelFieldsParamsDifferentialPrivacy(BaseModel):
    epsilon: float
    delta: Optional[float]
    max_grad_norm: Optional[float] = Field(alias="maxGradNorm")
    noise_multiplier: Optional[float] = Field(alias="noiseMultiplier")


class ModelFieldsPrivacySpent(BaseModel):
    epsilon: float
    delta: float


class PageFields(BaseModel):
    has_next_page: bool = Field(alias="hasNextPage")
    end_cursor: Optional[str] = Field(alias="endCursor")


class ProjectFields(BaseModel):
    id: str
    name: str
    description: str
    owner_id: str = Field(alias="ownerId")
    my_role: ProjectRole = Field(alias="myRole")
    created_at: Optional[datetime] = Field(alias="createdAt")
    privacy_gate: PrivacyGate = Field(alias="privacyGate")
    approval_required: bool = Field(alias="approvalRequired")


class ReportFields(BaseModel):
    id: str
    batch_id: str = Field(alias="batchId")
    status: ReportStatus
    kind: ReportKind
    quality_score: Optional[float] = Field(alias="qualityScore")
    privacy_verdict: Optional[PrivacyVerdict] = Field(alias="privacyVerdict")
    target_column: Optional[str] = Field(alias="targetColumn")
    error: Optional[str]
    created_at: Optional[datetime] = Field(alias="createdAt")
    completed_at: Optional[datetime] = Field(alias="completedAt")
    sample_sizes: Optional[Any] = Field(alias="sampleSizes")
    quality: Optional[Any]
    fidelity: Optional[Any]
    utility: Optional[Any]
    utility_note: Optional[str] = Field(alias="utilityNote")
    privacy: Optional[Any]
    conformance: Optional[Any]
    rules: list["ReportFieldsRules"]
    orderings: list["ReportFieldsOrderings"]
    dependencies: list["ReportFieldsDependencies"]
    impossible_combinations: list["ReportFieldsImpossibleCombinations"] = Field(
        alias="impossibleCombinations"
    )
    combination_verdict: Optional["ReportFieldsCombinationVerdict"] = Field(
        alias="combinationVerdict"
    )
    category_ranges: list["ReportFieldsCategoryRanges"] = Field(alias="categoryRanges")
    range_verdict: Optional["ReportFieldsRangeVerdict"] = Field(alias="rangeVerdict")
    totals: list["ReportFieldsTotals"]
    leaders: list["ReportFieldsLeaders"]
    calendar: list["ReportFieldsCalendar"]
    missing_when: list["ReportFieldsMissingWhen"] = Field(alias="missingWhen")
    unique_keys: list["ReportFieldsUniqueKeys"] = Field(alias="uniqueKeys")
    group_constants: list["ReportFieldsGroupConstants"] = Field(alias="groupConstants")
    written_forms: list["ReportFieldsWrittenForms"] = Field(alias="writtenForms")
    comparison: Optional["ReportFieldsComparison"]
    alerts: list[str]
    tables: list["ReportFieldsTables"]
    links: list["ReportFieldsLinks"]
    sequences: list["ReportFieldsSequences"]
    html_url: Optional[str] = Field(alias="htmlUrl")
    json_url: Optional[str] = Field(alias="jsonUrl")


class ReportFieldsRules(BaseModel):
    kind: str
    description: str
    violation_count: int = Field(alias="violationCount")
    real_violation_count: int = Field(alias="realViolationCount")


class ReportFieldsOrderings(BaseModel):
    low: str
    high: str
    description: str
    violation_count: int = Field(alias="violationCount")
    real_rows: int = Field(alias="realRows")


class ReportFieldsDependencies(BaseModel):
    source: str
    columns: list[str]
    description: str
    violation_count: int = Field(alias="violationCount")
    column_violation_counts: list[int] = Field(alias="columnViolationCounts")
    source_values: int = Field(alias="sourceValues")
    sources: list[str]
    unseen_source_count: int = Field(alias="unseenSourceCount")


class ReportFieldsImpossibleCombinations(BaseModel):
    first: str
    second: str
    description: str
    combinations: list[str]
    violation_count: int = Field(alias="violationCount")
    violation_share: float = Field(alias="violationShare")
    holdout_violation_count: int = Field(alias="holdoutViolationCount")
    holdout_share: Optional[float] = Field(alias="holdoutShare")
    real_rows: int = Field(alias="realRows")


class ReportFieldsCombinationVerdict(BaseModel):
    verdict: PrivacyVerdict
    summary: str
    rows: int
    share: float
    holdout_rows: int = Field(alias="holdoutRows")
    holdout_share: Optional[float] = Field(alias="holdoutShare")


class ReportFieldsCategoryRanges(BaseModel):
    category: str
    value: str
    number: str
    low: Optional[float]
    high: Optional[float]
    description: str
    violation_count: int = Field(alias="violationCount")
    violation_share: float = Field(alias="violationShare")
    holdout_violation_count: int = Field(alias="holdoutViolationCount")
    holdout_share: Optional[float] = Field(alias="holdoutShare")
    real_rows: int = Field(alias="realRows")


class ReportFieldsRangeVerdict(BaseModel):
    verdict: PrivacyVerdict
    summary: str
    rows: int
    share: float
    holdout_rows: int = Field(alias="holdoutRows")
    holdout_share: Optional[float] = Field(alias="holdoutShare")
    expected_share: Optional[float] = Field(alias="expectedShare")


class ReportFieldsTotals(BaseModel):
    column: str
    parts: list[str]
    description: str
    violation_count: int = Field(alias="violationCount")
    real_rows: int = Field(alias="realRows")


class ReportFieldsLeaders(BaseModel):
    column: str
    columns: list[str]
    description: str
    violation_count: int = Field(alias="violationCount")
    real_rows: int = Field(alias="realRows")


class ReportFieldsCalendar(BaseModel):
    description: str
    columns: list[str]
    violation_count: int = Field(alias="violationCount")
    real_rows: int = Field(alias="realRows")


class ReportFieldsMissingWhen(BaseModel):
    columns: list[str]
    category: str
    value: str
    description: str
    violation_count: int = Field(alias="violationCount")
    real_rows: int = Field(alias="realRows")


class ReportFieldsUniqueKeys(BaseModel):
    name: str
    time: str
    description: str
    violation_count: int = Field(alias="violationCount")
    unavoidable_count: int = Field(alias="unavoidableCount")
    real_rows: int = Field(alias="realRows")


class ReportFieldsGroupConstants(BaseModel):
    key: str
    columns: list[str]
    description: str
    violation_count: int = Field(alias="violationCount")
    real_groups: int = Field(alias="realGroups")
    real_repeated_share: float = Field(alias="realRepeatedShare")
    synthetic_repeated_share: float = Field(alias="syntheticRepeatedShare")


class ReportFieldsWrittenForms(BaseModel):
    column: str
    sdtype: str
    unlike_share: Optional[float] = Field(alias="unlikeShare")
    form_gap: Optional[float] = Field(alias="formGap")
    example: Optional[str]
    real_example: str = Field(alias="realExample")


class ReportFieldsComparison(BaseModel):
    conditions: Any
    matching_real_rows: int = Field(alias="matchingRealRows")
    min_real_rows: int = Field(alias="minRealRows")
    compared_with: str = Field(alias="comparedWith")
    real_rows: int = Field(alias="realRows")
    conditioned_columns: list[str] = Field(alias="conditionedColumns")
    note: str


class ReportFieldsTables(BaseModel):
    name: str
    train_rows: int = Field(alias="trainRows")
    holdout_rows: int = Field(alias="holdoutRows")
    synthetic_rows: int = Field(alias="syntheticRows")
    quality_score: Optional[float] = Field(alias="qualityScore")
    privacy_verdict: Optional[PrivacyVerdict] = Field(alias="privacyVerdict")
    note: Optional[str]


class ReportFieldsLinks(BaseModel):
    parent_table: str = Field(alias="parentTable")
    parent_column: str = Field(alias="parentColumn")
    child_table: str = Field(alias="childTable")
    child_column: str = Field(alias="childColumn")
    cardinality_score: Optional[float] = Field(alias="cardinalityScore")
    correlation_score: Optional[float] = Field(alias="correlationScore")
    integrity: "ReportFieldsLinksIntegrity"


class ReportFieldsLinksIntegrity(BaseModel):
    share: Optional[float]
    child_rows: int = Field(alias="childRows")
    orphan_rows: int = Field(alias="orphanRows")
    missing_key_rows: int = Field(alias="missingKeyRows")
    duplicate_parent_keys: int = Field(alias="duplicateParentKeys")


class ReportFieldsSequences(BaseModel):
    table: str
    entity_key: str = Field(alias="entityKey")
    score: Optional[float]
    step_score: Optional[float] = Field(alias="stepScore")
    privacy_verdict: Optional[PrivacyVerdict] = Field(alias="privacyVerdict")


class TemplateFields(BaseModel):
    id: str
    name: str
    description: str
    builtin: bool
    project_id: Optional[str] = Field(alias="projectId")
    options: Any
    created_at: Optional[datetime] = Field(alias="createdAt")


class TokenFields(BaseModel):
    access_token: str = Field(alias="accessToken")
    refresh_token: str = Field(alias="refreshToken")
    expires_in: int = Field(alias="expiresIn")
    refresh_expires_in: int = Field(alias="refreshExpiresIn")


class UserFields(BaseModel):
    id: str
    email: str
    role: Role
    disabled: bool
    profile: "UserFieldsProfile"
    created_at: Optional[datetime] = Field(alias="createdAt")


class UserFieldsProfile(BaseModel):
    display_name: str = Field(alias="displayName")
    organization: str
    bio: str


BatchFields.model_rebuild()
ColumnFields.model_rebuild()
ConnectionFields.model_rebuild()
DatasetTableFields.model_rebuild()
ForeignKeyFields.model_rebuild()
RuleFields.model_rebuild()
DatasetFields.model_rebuild()
JobFields.model_rebuild()
JobUpdateFields.model_rebuild()
ModelFields.model_rebuild()
PageFields.model_rebuild()
ProjectFields.model_rebuild()
ReportFields.model_rebuild()
TemplateFields.model_rebuild()
TokenFields.model_rebuild()
UserFields.model_rebuild()
