from .async_base_client import AsyncBaseClient
from .base_model import BaseModel, Upload
from .batch import Batch, BatchBatch
from .batch_preview import BatchPreview, BatchPreviewBatch
from .batches import (
    Batches,
    BatchesBatches,
    BatchesBatchesNodes,
    BatchesBatchesPageInfo,
)
from .cancel_job import CancelJob, CancelJobCancelJob
from .client import GraphQLClient
from .connections import (
    Connections,
    ConnectionsConnections,
    ConnectionsConnectionsNodes,
    ConnectionsConnectionsPageInfo,
)
from .create_connection import CreateConnection, CreateConnectionCreateConnection
from .create_project import CreateProject, CreateProjectCreateProject
from .dataset import Dataset, DatasetDataset
from .dataset_preview import DatasetPreview, DatasetPreviewDataset
from .datasets import (
    Datasets,
    DatasetsDatasets,
    DatasetsDatasetsNodes,
    DatasetsDatasetsPageInfo,
)
from .delete_connection import DeleteConnection
from .delete_dataset import DeleteDataset
from .engines import Engines, EnginesEngines, EnginesEnginesParameters
from .enums import (
    BatchStatus,
    ConnectionErrorCode,
    DatasetStatus,
    ExportFormat,
    ExportMode,
    JobKind,
    JobStatus,
    ModelStatus,
    PrivacyVerdict,
    ProjectRole,
    ReportKind,
    ReportStatus,
    Role,
)
from .evaluate import Evaluate, EvaluateEvaluate
from .exceptions import (
    GraphQLClientError,
    GraphQLClientGraphQLError,
    GraphQLClientGraphQLMultiError,
    GraphQLClientHttpError,
    GraphQLClientInvalidResponseError,
)
from .export_batch import ExportBatch, ExportBatchExportBatch
from .fragments import (
    BatchFields,
    ColumnFields,
    ConnectionFields,
    DatasetFields,
    DatasetFieldsColumns,
    DatasetFieldsForeignKeys,
    DatasetFieldsReferentialProblems,
    DatasetFieldsReferentialProblemsForeignKey,
    DatasetFieldsTables,
    DatasetTableFields,
    DatasetTableFieldsColumns,
    DatasetTableFieldsSequence,
    DatasetTableFieldsSuggestedSequence,
    ForeignKeyFields,
    JobFields,
    JobFieldsProgress,
    JobUpdateFields,
    ModelFields,
    ModelFieldsParams,
    PageFields,
    ProjectFields,
    ReportFields,
    TemplateFields,
    TokenFields,
    UserFields,
    UserFieldsProfile,
)
from .generate import (
    Generate,
    GenerateGenerate,
    GenerateGenerateBatch,
    GenerateGenerateJob,
)
from .generate_from_template import (
    GenerateFromTemplate,
    GenerateFromTemplateGenerateFromTemplate,
    GenerateFromTemplateGenerateFromTemplateBatch,
    GenerateFromTemplateGenerateFromTemplateJob,
)
from .import_dataset import ImportDataset, ImportDatasetImportDataset
from .input_types import (
    AnomaliesInput,
    ColumnMetadataInput,
    CreateProjectInput,
    EvaluateOptionsInput,
    ForeignKeyInput,
    GenerateFromTemplateInput,
    GenerateInput,
    LoginInput,
    SequenceInput,
    TableKeysInput,
    TemplatePreviewInput,
    TrainModelInput,
)
from .job import Job, JobJob
from .job_updates import JobUpdates, JobUpdatesJobUpdates
from .jobs import Jobs, JobsJobs, JobsJobsNodes, JobsJobsPageInfo
from .login import Login, LoginLogin, LoginLoginTokens, LoginLoginUser
from .logout import Logout
from .me import Me, MeMe
from .model import Model, ModelModel
from .models import Models, ModelsModels, ModelsModelsNodes, ModelsModelsPageInfo
from .project import Project, ProjectProject
from .projects import (
    Projects,
    ProjectsProjects,
    ProjectsProjectsNodes,
    ProjectsProjectsPageInfo,
)
from .refresh_token import RefreshToken, RefreshTokenRefreshToken
from .report import Report, ReportReport
from .template import Template, TemplateTemplate
from .template_preview import TemplatePreview, TemplatePreviewTemplatePreview
from .templates import (
    Templates,
    TemplatesTemplates,
    TemplatesTemplatesNodes,
    TemplatesTemplatesPageInfo,
)
from .test_connection import TestConnection, TestConnectionTestConnection
from .train_model import (
    TrainModel,
    TrainModelTrainModel,
    TrainModelTrainModelJob,
    TrainModelTrainModelModel,
)
from .update_dataset_metadata import (
    UpdateDatasetMetadata,
    UpdateDatasetMetadataUpdateDatasetMetadata,
)
from .update_dataset_relationships import (
    UpdateDatasetRelationships,
    UpdateDatasetRelationshipsUpdateDatasetRelationships,
)

__all__ = [
    "AnomaliesInput",
    "AsyncBaseClient",
    "BaseModel",
    "Batch",
    "BatchBatch",
    "BatchFields",
    "BatchPreview",
    "BatchPreviewBatch",
    "BatchStatus",
    "Batches",
    "BatchesBatches",
    "BatchesBatchesNodes",
    "BatchesBatchesPageInfo",
    "CancelJob",
    "CancelJobCancelJob",
    "ColumnFields",
    "ColumnMetadataInput",
    "ConnectionErrorCode",
    "ConnectionFields",
    "Connections",
    "ConnectionsConnections",
    "ConnectionsConnectionsNodes",
    "ConnectionsConnectionsPageInfo",
    "CreateConnection",
    "CreateConnectionCreateConnection",
    "CreateProject",
    "CreateProjectCreateProject",
    "CreateProjectInput",
    "Dataset",
    "DatasetDataset",
    "DatasetFields",
    "DatasetFieldsColumns",
    "DatasetFieldsForeignKeys",
    "DatasetFieldsReferentialProblems",
    "DatasetFieldsReferentialProblemsForeignKey",
    "DatasetFieldsTables",
    "DatasetPreview",
    "DatasetPreviewDataset",
    "DatasetStatus",
    "DatasetTableFields",
    "DatasetTableFieldsColumns",
    "DatasetTableFieldsSequence",
    "DatasetTableFieldsSuggestedSequence",
    "Datasets",
    "DatasetsDatasets",
    "DatasetsDatasetsNodes",
    "DatasetsDatasetsPageInfo",
    "DeleteConnection",
    "DeleteDataset",
    "Engines",
    "EnginesEngines",
    "EnginesEnginesParameters",
    "Evaluate",
    "EvaluateEvaluate",
    "EvaluateOptionsInput",
    "ExportBatch",
    "ExportBatchExportBatch",
    "ExportFormat",
    "ExportMode",
    "ForeignKeyFields",
    "ForeignKeyInput",
    "Generate",
    "GenerateFromTemplate",
    "GenerateFromTemplateGenerateFromTemplate",
    "GenerateFromTemplateGenerateFromTemplateBatch",
    "GenerateFromTemplateGenerateFromTemplateJob",
    "GenerateFromTemplateInput",
    "GenerateGenerate",
    "GenerateGenerateBatch",
    "GenerateGenerateJob",
    "GenerateInput",
    "GraphQLClient",
    "GraphQLClientError",
    "GraphQLClientGraphQLError",
    "GraphQLClientGraphQLMultiError",
    "GraphQLClientHttpError",
    "GraphQLClientInvalidResponseError",
    "ImportDataset",
    "ImportDatasetImportDataset",
    "Job",
    "JobFields",
    "JobFieldsProgress",
    "JobJob",
    "JobKind",
    "JobStatus",
    "JobUpdateFields",
    "JobUpdates",
    "JobUpdatesJobUpdates",
    "Jobs",
    "JobsJobs",
    "JobsJobsNodes",
    "JobsJobsPageInfo",
    "Login",
    "LoginInput",
    "LoginLogin",
    "LoginLoginTokens",
    "LoginLoginUser",
    "Logout",
    "Me",
    "MeMe",
    "Model",
    "ModelFields",
    "ModelFieldsParams",
    "ModelModel",
    "ModelStatus",
    "Models",
    "ModelsModels",
    "ModelsModelsNodes",
    "ModelsModelsPageInfo",
    "PageFields",
    "PrivacyVerdict",
    "Project",
    "ProjectFields",
    "ProjectProject",
    "ProjectRole",
    "Projects",
    "ProjectsProjects",
    "ProjectsProjectsNodes",
    "ProjectsProjectsPageInfo",
    "RefreshToken",
    "RefreshTokenRefreshToken",
    "Report",
    "ReportFields",
    "ReportKind",
    "ReportReport",
    "ReportStatus",
    "Role",
    "SequenceInput",
    "TableKeysInput",
    "Template",
    "TemplateFields",
    "TemplatePreview",
    "TemplatePreviewInput",
    "TemplatePreviewTemplatePreview",
    "TemplateTemplate",
    "Templates",
    "TemplatesTemplates",
    "TemplatesTemplatesNodes",
    "TemplatesTemplatesPageInfo",
    "TestConnection",
    "TestConnectionTestConnection",
    "TokenFields",
    "TrainModel",
    "TrainModelInput",
    "TrainModelTrainModel",
    "TrainModelTrainModelJob",
    "TrainModelTrainModelModel",
    "UpdateDatasetMetadata",
    "UpdateDatasetMetadataUpdateDatasetMetadata",
    "UpdateDatasetRelationships",
    "UpdateDatasetRelationshipsUpdateDatasetRelationships",
    "Upload",
    "UserFields",
    "UserFieldsProfile",
]
