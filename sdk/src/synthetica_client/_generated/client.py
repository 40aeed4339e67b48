from collections.abc import AsyncIterator
from typing import Any, Optional, Union

from .accept_project_invitation import AcceptProjectInvitation
from .approve_job import ApproveJob
from .async_base_client import AsyncBaseClient
from .base_model import UNSET, UnsetType
from .batch import Batch
from .batch_preview import BatchPreview
from .batches import Batches
from .cancel_job import CancelJob
from .connections import Connections
from .create_connection import CreateConnection
from .create_project import CreateProject
from .dataset import Dataset
from .dataset_preview import DatasetPreview
from .datasets import Datasets
from .delete_connection import DeleteConnection
from .delete_dataset import DeleteDataset
from .engines import Engines
from .enums import ExportMode, JobKind, JobStatus, ModelStatus
from .evaluate import Evaluate
from .export_batch import ExportBatch
from .generate import Generate
from .generate_from_template import GenerateFromTemplate
from .import_dataset import ImportDataset
from .input_types import (
    ColumnMetadataInput,
    CreateProjectInput,
    EvaluateOptionsInput,
    ForeignKeyInput,
    GenerateFromTemplateInput,
    GenerateInput,
    LoginInput,
    RegisterInput,
    RuleInput,
    TableKeysInput,
    TemplatePreviewInput,
    TrainModelInput,
    UpdateProjectInput,
)
from .job import Job
from .job_updates import JobUpdates
from .jobs import Jobs
from .login import Login
from .logout import Logout
from .me import Me
from .model import Model
from .models import Models
from .project import Project
from .projects import Projects
from .refresh_token import RefreshToken
from .register import Register
from .reject_job import RejectJob
from .release_batch import ReleaseBatch
from .remove_dataset_table import RemoveDatasetTable
from .report import Report
from .storage_usage import StorageUsage
from .template import Template
from .template_preview import TemplatePreview
from .templates import Templates
from .test_connection import TestConnection
from .train_model import TrainModel
from .update_dataset_metadata import UpdateDatasetMetadata
from .update_dataset_relationships import UpdateDatasetRelationships
from .update_dataset_rules import UpdateDatasetRules
from .update_project import UpdateProject


def gql(q: str) -> str:
    return q


class GraphQLClient(AsyncBaseClient):
    async def login(self, input: LoginInput, **kwargs: Any) -> Login:
        query = gql("""
            mutation Login($input: LoginInput!) {
              login(input: $input) {
                user {
                  ...UserFields
                }
                tokens {
                  ...TokenFields
                }
              }
            }

            fragment TokenFields on TokenPair {
              accessToken
              refreshToken
              expiresIn
              refreshExpiresIn
            }

            fragment UserFields on User {
              id
              email
              role
              disabled
              profile {
                displayName
                organization
                bio
              }
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="Login", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Login.model_validate(data)

    async def register(self, input: RegisterInput, **kwargs: Any) -> Register:
        query = gql("""
            mutation Register($input: RegisterInput!) {
              signUp: register(input: $input) {
                user {
                  ...UserFields
                }
                tokens {
                  ...TokenFields
                }
              }
            }

            fragment TokenFields on TokenPair {
              accessToken
              refreshToken
              expiresIn
              refreshExpiresIn
            }

            fragment UserFields on User {
              id
              email
              role
              disabled
              profile {
                displayName
                organization
                bio
              }
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="Register", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Register.model_validate(data)

    async def refresh_token(self, refresh_token: str, **kwargs: Any) -> RefreshToken:
        query = gql("""
            mutation RefreshToken($refreshToken: String!) {
              refreshToken(refreshToken: $refreshToken) {
                ...TokenFields
              }
            }

            fragment TokenFields on TokenPair {
              accessToken
              refreshToken
              expiresIn
              refreshExpiresIn
            }
            """)
        variables: dict[str, object] = {"refreshToken": refresh_token}
        response = await self.execute(
            query=query, operation_name="RefreshToken", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return RefreshToken.model_validate(data)

    async def logout(self, refresh_token: str, **kwargs: Any) -> Logout:
        query = gql("""
            mutation Logout($refreshToken: String!) {
              logout(refreshToken: $refreshToken)
            }
            """)
        variables: dict[str, object] = {"refreshToken": refresh_token}
        response = await self.execute(
            query=query, operation_name="Logout", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Logout.model_validate(data)

    async def me(self, **kwargs: Any) -> Me:
        query = gql("""
            query Me {
              me {
                ...UserFields
              }
            }

            fragment UserFields on User {
              id
              email
              role
              disabled
              profile {
                displayName
                organization
                bio
              }
              createdAt
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query, operation_name="Me", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Me.model_validate(data)

    async def storage_usage(self, **kwargs: Any) -> StorageUsage:
        query = gql("""
            query StorageUsage {
              storageUsage {
                usedBytes
                quotaBytes
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query, operation_name="StorageUsage", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return StorageUsage.model_validate(data)

    async def create_connection(
        self, project_id: str, name: str, url: str, **kwargs: Any
    ) -> CreateConnection:
        query = gql("""
            mutation CreateConnection($projectId: ID!, $name: String!, $url: String!) {
              createConnection(projectId: $projectId, name: $name, url: $url) {
                ...ConnectionFields
              }
            }

            fragment ConnectionFields on DatabaseConnection {
              id
              projectId
              name
              maskedUrl
              dialect
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "projectId": project_id,
            "name": name,
            "url": url,
        }
        response = await self.execute(
            query=query,
            operation_name="CreateConnection",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return CreateConnection.model_validate(data)

    async def connections(
        self,
        project_id: str,
        first: int,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Connections:
        query = gql("""
            query Connections($projectId: ID!, $first: Int!, $after: String) {
              connections(projectId: $projectId, first: $first, after: $after) {
                nodes {
                  ...ConnectionFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment ConnectionFields on DatabaseConnection {
              id
              projectId
              name
              maskedUrl
              dialect
              createdAt
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "projectId": project_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Connections", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Connections.model_validate(data)

    async def delete_connection(self, id: str, **kwargs: Any) -> DeleteConnection:
        query = gql("""
            mutation DeleteConnection($id: ID!) {
              deleteConnection(id: $id)
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query,
            operation_name="DeleteConnection",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return DeleteConnection.model_validate(data)

    async def test_connection(self, id: str, **kwargs: Any) -> TestConnection:
        query = gql("""
            mutation TestConnection($id: ID!) {
              testConnection(id: $id) {
                ok
                errorCode
                message
              }
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="TestConnection", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return TestConnection.model_validate(data)

    async def import_dataset(
        self,
        connection_id: str,
        project_id: str,
        name: str,
        table: Union[Optional[str], UnsetType] = UNSET,
        query: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> ImportDataset:
        _query = gql("""
            mutation ImportDataset($connectionId: ID!, $projectId: ID!, $name: String!, $table: String, $query: String) {
              importDataset(
                connectionId: $connectionId
                projectId: $projectId
                name: $name
                table: $table
                query: $query
              ) {
                ...DatasetFields
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {
            "connectionId": connection_id,
            "projectId": project_id,
            "name": name,
            "table": table,
            "query": query,
        }
        response = await self.execute(
            query=_query, operation_name="ImportDataset", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ImportDataset.model_validate(data)

    async def export_batch(
        self,
        batch_id: str,
        connection_id: str,
        table: str,
        mode: ExportMode,
        batch_table: str,
        **kwargs: Any,
    ) -> ExportBatch:
        query = gql("""
            mutation ExportBatch($batchId: ID!, $connectionId: ID!, $table: String!, $mode: ExportMode!, $batchTable: String! = "") {
              exportBatch(
                batchId: $batchId
                connectionId: $connectionId
                table: $table
                mode: $mode
                batchTable: $batchTable
              ) {
                rowCount
                table
              }
            }
            """)
        variables: dict[str, object] = {
            "batchId": batch_id,
            "connectionId": connection_id,
            "table": table,
            "mode": mode,
            "batchTable": batch_table,
        }
        response = await self.execute(
            query=query, operation_name="ExportBatch", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ExportBatch.model_validate(data)

    async def dataset(self, id: str, **kwargs: Any) -> Dataset:
        query = gql("""
            query Dataset($id: ID!) {
              dataset(id: $id) {
                ...DatasetFields
                stats
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Dataset", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Dataset.model_validate(data)

    async def datasets(
        self,
        project_id: str,
        first: int,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Datasets:
        query = gql("""
            query Datasets($projectId: ID!, $first: Int!, $after: String) {
              datasets(projectId: $projectId, first: $first, after: $after) {
                nodes {
                  ...DatasetFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {
            "projectId": project_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Datasets", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Datasets.model_validate(data)

    async def dataset_preview(
        self, id: str, n: int, offset: int, **kwargs: Any
    ) -> DatasetPreview:
        query = gql("""
            query DatasetPreview($id: ID!, $n: Int!, $offset: Int!) {
              dataset(id: $id) {
                previewRows(n: $n, offset: $offset)
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "n": n, "offset": offset}
        response = await self.execute(
            query=query, operation_name="DatasetPreview", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DatasetPreview.model_validate(data)

    async def update_dataset_metadata(
        self,
        dataset_id: str,
        columns: Union[Optional[list[ColumnMetadataInput]], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> UpdateDatasetMetadata:
        query = gql("""
            mutation UpdateDatasetMetadata($datasetId: ID!, $columns: [ColumnMetadataInput!]) {
              updateDatasetMetadata(datasetId: $datasetId, columns: $columns) {
                ...DatasetFields
                stats
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {"datasetId": dataset_id, "columns": columns}
        response = await self.execute(
            query=query,
            operation_name="UpdateDatasetMetadata",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpdateDatasetMetadata.model_validate(data)

    async def update_dataset_relationships(
        self,
        dataset_id: str,
        tables: Union[Optional[list[TableKeysInput]], UnsetType] = UNSET,
        foreign_keys: Union[Optional[list[ForeignKeyInput]], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> UpdateDatasetRelationships:
        query = gql("""
            mutation UpdateDatasetRelationships($datasetId: ID!, $tables: [TableKeysInput!], $foreignKeys: [ForeignKeyInput!]) {
              updateDatasetRelationships(
                datasetId: $datasetId
                tables: $tables
                foreignKeys: $foreignKeys
              ) {
                ...DatasetFields
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "tables": tables,
            "foreignKeys": foreign_keys,
        }
        response = await self.execute(
            query=query,
            operation_name="UpdateDatasetRelationships",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpdateDatasetRelationships.model_validate(data)

    async def remove_dataset_table(
        self, dataset_id: str, table_name: str, **kwargs: Any
    ) -> RemoveDatasetTable:
        query = gql("""
            mutation RemoveDatasetTable($datasetId: ID!, $tableName: String!) {
              removeDatasetTable(datasetId: $datasetId, tableName: $tableName) {
                ...DatasetFields
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {
            "datasetId": dataset_id,
            "tableName": table_name,
        }
        response = await self.execute(
            query=query,
            operation_name="RemoveDatasetTable",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return RemoveDatasetTable.model_validate(data)

    async def update_dataset_rules(
        self, dataset_id: str, rules: list[RuleInput], **kwargs: Any
    ) -> UpdateDatasetRules:
        query = gql("""
            mutation UpdateDatasetRules($datasetId: ID!, $rules: [RuleInput!]!) {
              updateDatasetRules(datasetId: $datasetId, rules: $rules) {
                ...DatasetFields
              }
            }

            fragment ColumnFields on DatasetColumn {
              name
              dataType
              sdtype
              pii
              datetimeFormat
            }

            fragment DatasetFields on Dataset {
              id
              projectId
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              sizeBytes
              columns {
                ...ColumnFields
              }
              primaryKey
              warnings
              createdAt
              tables {
                ...DatasetTableFields
              }
              foreignKeys {
                ...ForeignKeyFields
              }
              referentialProblems {
                foreignKey {
                  ...ForeignKeyFields
                }
                orphanCount
                orphanExamples
                duplicateParentKeyCount
                duplicateParentKeyExamples
                nullChildKeyCount
                nullParentKeyCount
              }
              rules {
                ...RuleFields
              }
            }

            fragment DatasetTableFields on DatasetTable {
              name
              fileName
              status
              error
              errorCode
              rowCount
              trainRowCount
              holdoutRowCount
              columns {
                ...ColumnFields
              }
              primaryKey
              sequence {
                entityKey
                orderColumn
              }
              suggestedSequence {
                entityKey
                orderColumn
              }
              warnings
            }

            fragment ForeignKeyFields on ForeignKey {
              parentTable
              parentColumn
              childTable
              childColumn
            }

            fragment RuleFields on Rule {
              kind
              column
              columns
              low {
                column
                number
                datetime
              }
              high {
                column
                number
                datetime
              }
              strict
              description
              realViolationCount
            }
            """)
        variables: dict[str, object] = {"datasetId": dataset_id, "rules": rules}
        response = await self.execute(
            query=query,
            operation_name="UpdateDatasetRules",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return UpdateDatasetRules.model_validate(data)

    async def delete_dataset(self, id: str, **kwargs: Any) -> DeleteDataset:
        query = gql("""
            mutation DeleteDataset($id: ID!) {
              deleteDataset(id: $id)
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="DeleteDataset", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return DeleteDataset.model_validate(data)

    async def report(self, batch_id: str, **kwargs: Any) -> Report:
        query = gql("""
            query Report($batchId: ID!) {
              report(batchId: $batchId) {
                ...ReportFields
              }
            }

            fragment ReportFields on Report {
              id
              batchId
              status
              kind
              qualityScore
              privacyVerdict
              targetColumn
              error
              createdAt
              completedAt
              sampleSizes
              quality
              fidelity
              utility
              utilityNote
              privacy
              conformance
              rules {
                kind
                description
                violationCount
                realViolationCount
              }
              orderings {
                low
                high
                description
                violationCount
                realRows
              }
              dependencies {
                source
                columns
                description
                violationCount
                columnViolationCounts
                sourceValues
                sources
                unseenSourceCount
              }
              impossibleCombinations {
                first
                second
                description
                combinations
                violationCount
                violationShare
                holdoutViolationCount
                holdoutShare
                realRows
              }
              combinationVerdict {
                verdict
                summary
                rows
                share
                holdoutRows
                holdoutShare
              }
              categoryRanges {
                category
                value
                number
                low
                high
                description
                violationCount
                violationShare
                holdoutViolationCount
                holdoutShare
                realRows
              }
              rangeVerdict {
                verdict
                summary
                rows
                share
                holdoutRows
                holdoutShare
                expectedShare
              }
              totals {
                column
                parts
                description
                violationCount
                realRows
              }
              leaders {
                column
                columns
                description
                violationCount
                realRows
              }
              calendar {
                description
                columns
                violationCount
                realRows
              }
              missingWhen {
                columns
                category
                value
                description
                violationCount
                realRows
              }
              uniqueKeys {
                name
                time
                description
                violationCount
                unavoidableCount
                realRows
              }
              groupConstants {
                key
                columns
                description
                violationCount
                realGroups
                realRepeatedShare
                syntheticRepeatedShare
              }
              writtenForms {
                column
                sdtype
                unlikeShare
                formGap
                example
                realExample
              }
              comparison {
                conditions
                matchingRealRows
                minRealRows
                comparedWith
                realRows
                conditionedColumns
                note
              }
              alerts
              tables {
                name
                trainRows
                holdoutRows
                syntheticRows
                qualityScore
                privacyVerdict
                note
              }
              links {
                parentTable
                parentColumn
                childTable
                childColumn
                cardinalityScore
                correlationScore
                integrity {
                  share
                  childRows
                  orphanRows
                  missingKeyRows
                  duplicateParentKeys
                }
              }
              sequences {
                table
                entityKey
                score
                stepScore
                privacyVerdict
              }
              htmlUrl
              jsonUrl
            }
            """)
        variables: dict[str, object] = {"batchId": batch_id}
        response = await self.execute(
            query=query, operation_name="Report", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Report.model_validate(data)

    async def evaluate(
        self,
        batch_id: str,
        options: Union[Optional[EvaluateOptionsInput], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Evaluate:
        query = gql("""
            mutation Evaluate($batchId: ID!, $options: EvaluateOptionsInput) {
              evaluate(batchId: $batchId, options: $options) {
                ...ReportFields
              }
            }

            fragment ReportFields on Report {
              id
              batchId
              status
              kind
              qualityScore
              privacyVerdict
              targetColumn
              error
              createdAt
              completedAt
              sampleSizes
              quality
              fidelity
              utility
              utilityNote
              privacy
              conformance
              rules {
                kind
                description
                violationCount
                realViolationCount
              }
              orderings {
                low
                high
                description
                violationCount
                realRows
              }
              dependencies {
                source
                columns
                description
                violationCount
                columnViolationCounts
                sourceValues
                sources
                unseenSourceCount
              }
              impossibleCombinations {
                first
                second
                description
                combinations
                violationCount
                violationShare
                holdoutViolationCount
                holdoutShare
                realRows
              }
              combinationVerdict {
                verdict
                summary
                rows
                share
                holdoutRows
                holdoutShare
              }
              categoryRanges {
                category
                value
                number
                low
                high
                description
                violationCount
                violationShare
                holdoutViolationCount
                holdoutShare
                realRows
              }
              rangeVerdict {
                verdict
                summary
                rows
                share
                holdoutRows
                holdoutShare
                expectedShare
              }
              totals {
                column
                parts
                description
                violationCount
                realRows
              }
              leaders {
                column
                columns
                description
                violationCount
                realRows
              }
              calendar {
                description
                columns
                violationCount
                realRows
              }
              missingWhen {
                columns
                category
                value
                description
                violationCount
                realRows
              }
              uniqueKeys {
                name
                time
                description
                violationCount
                unavoidableCount
                realRows
              }
              groupConstants {
                key
                columns
                description
                violationCount
                realGroups
                realRepeatedShare
                syntheticRepeatedShare
              }
              writtenForms {
                column
                sdtype
                unlikeShare
                formGap
                example
                realExample
              }
              comparison {
                conditions
                matchingRealRows
                minRealRows
                comparedWith
                realRows
                conditionedColumns
                note
              }
              alerts
              tables {
                name
                trainRows
                holdoutRows
                syntheticRows
                qualityScore
                privacyVerdict
                note
              }
              links {
                parentTable
                parentColumn
                childTable
                childColumn
                cardinalityScore
                correlationScore
                integrity {
                  share
                  childRows
                  orphanRows
                  missingKeyRows
                  duplicateParentKeys
                }
              }
              sequences {
                table
                entityKey
                score
                stepScore
                privacyVerdict
              }
              htmlUrl
              jsonUrl
            }
            """)
        variables: dict[str, object] = {"batchId": batch_id, "options": options}
        response = await self.execute(
            query=query, operation_name="Evaluate", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Evaluate.model_validate(data)

    async def create_project(
        self, input: CreateProjectInput, **kwargs: Any
    ) -> CreateProject:
        query = gql("""
            mutation CreateProject($input: CreateProjectInput!) {
              createProject(input: $input) {
                ...ProjectFields
              }
            }

            fragment ProjectFields on Project {
              id
              name
              description
              ownerId
              myRole
              createdAt
              privacyGate
              approvalRequired
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="CreateProject", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CreateProject.model_validate(data)

    async def projects(
        self, first: int, after: Union[Optional[str], UnsetType] = UNSET, **kwargs: Any
    ) -> Projects:
        query = gql("""
            query Projects($first: Int!, $after: String) {
              projects(first: $first, after: $after) {
                nodes {
                  ...ProjectFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }

            fragment ProjectFields on Project {
              id
              name
              description
              ownerId
              myRole
              createdAt
              privacyGate
              approvalRequired
            }
            """)
        variables: dict[str, object] = {"first": first, "after": after}
        response = await self.execute(
            query=query, operation_name="Projects", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Projects.model_validate(data)

    async def project(self, id: str, **kwargs: Any) -> Project:
        query = gql("""
            query Project($id: ID!) {
              project(id: $id) {
                ...ProjectFields
              }
            }

            fragment ProjectFields on Project {
              id
              name
              description
              ownerId
              myRole
              createdAt
              privacyGate
              approvalRequired
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Project", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Project.model_validate(data)

    async def update_project(
        self, input: UpdateProjectInput, **kwargs: Any
    ) -> UpdateProject:
        query = gql("""
            mutation UpdateProject($input: UpdateProjectInput!) {
              updateProject(input: $input) {
                ...ProjectFields
              }
            }

            fragment ProjectFields on Project {
              id
              name
              description
              ownerId
              myRole
              createdAt
              privacyGate
              approvalRequired
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="UpdateProject", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return UpdateProject.model_validate(data)

    async def accept_project_invitation(
        self, token: str, **kwargs: Any
    ) -> AcceptProjectInvitation:
        query = gql("""
            mutation AcceptProjectInvitation($token: String!) {
              acceptProjectInvitation(token: $token) {
                ...ProjectFields
              }
            }

            fragment ProjectFields on Project {
              id
              name
              description
              ownerId
              myRole
              createdAt
              privacyGate
              approvalRequired
            }
            """)
        variables: dict[str, object] = {"token": token}
        response = await self.execute(
            query=query,
            operation_name="AcceptProjectInvitation",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return AcceptProjectInvitation.model_validate(data)

    async def templates(
        self,
        first: int,
        project_id: Union[Optional[str], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Templates:
        query = gql("""
            query Templates($projectId: ID, $first: Int!, $after: String) {
              templates(projectId: $projectId, first: $first, after: $after) {
                nodes {
                  ...TemplateFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }

            fragment TemplateFields on Template {
              id
              name
              description
              builtin
              projectId
              options
              createdAt
            }
            """)
        variables: dict[str, object] = {
            "projectId": project_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Templates", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Templates.model_validate(data)

    async def template(self, id: str, **kwargs: Any) -> Template:
        query = gql("""
            query Template($id: ID!) {
              template(id: $id) {
                ...TemplateFields
                schema
              }
            }

            fragment TemplateFields on Template {
              id
              name
              description
              builtin
              projectId
              options
              createdAt
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Template", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Template.model_validate(data)

    async def generate_from_template(
        self, input: GenerateFromTemplateInput, **kwargs: Any
    ) -> GenerateFromTemplate:
        query = gql("""
            mutation GenerateFromTemplate($input: GenerateFromTemplateInput!) {
              generateFromTemplate(input: $input) {
                batch {
                  ...BatchFields
                }
                job {
                  ...JobFields
                }
              }
            }

            fragment BatchFields on Batch {
              id
              projectId
              modelId
              datasetId
              jobId
              status
              rowCount
              format
              error
              templateId
              tables
              qualityScore
              privacyVerdict
              createdAt
              expiresAt
              gate {
                state
                message
                reason
                releasedBy
                releasedAt
                canRelease
              }
              conditions
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query,
            operation_name="GenerateFromTemplate",
            variables=variables,
            **kwargs,
        )
        data = self.get_data(response)
        return GenerateFromTemplate.model_validate(data)

    async def template_preview(
        self, input: TemplatePreviewInput, **kwargs: Any
    ) -> TemplatePreview:
        query = gql("""
            query TemplatePreview($input: TemplatePreviewInput!) {
              templatePreview(input: $input) {
                name
                columns
                rows
                truncated
              }
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="TemplatePreview", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return TemplatePreview.model_validate(data)

    async def engines(self, **kwargs: Any) -> Engines:
        query = gql("""
            query Engines {
              engines {
                name
                library
                license
                description
                parameters {
                  name
                  type
                  default
                  min
                  max
                  description
                }
              }
            }
            """)
        variables: dict[str, object] = {}
        response = await self.execute(
            query=query, operation_name="Engines", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Engines.model_validate(data)

    async def train_model(self, input: TrainModelInput, **kwargs: Any) -> TrainModel:
        query = gql("""
            mutation TrainModel($input: TrainModelInput!) {
              trainModel(input: $input) {
                model {
                  ...ModelFields
                }
                job {
                  ...JobFields
                }
              }
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }

            fragment ModelFields on Model {
              id
              projectId
              datasetId
              name
              engine
              status
              error
              params {
                epochs
                batchSize
                timeBudgetSeconds
                seed
                options
                differentialPrivacy {
                  epsilon
                  delta
                  maxGradNorm
                  noiseMultiplier
                }
              }
              metrics
              privacySpent {
                epsilon
                delta
              }
              createdAt
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="TrainModel", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return TrainModel.model_validate(data)

    async def generate(self, input: GenerateInput, **kwargs: Any) -> Generate:
        query = gql("""
            mutation Generate($input: GenerateInput!) {
              generate(input: $input) {
                batch {
                  ...BatchFields
                }
                job {
                  ...JobFields
                }
              }
            }

            fragment BatchFields on Batch {
              id
              projectId
              modelId
              datasetId
              jobId
              status
              rowCount
              format
              error
              templateId
              tables
              qualityScore
              privacyVerdict
              createdAt
              expiresAt
              gate {
                state
                message
                reason
                releasedBy
                releasedAt
                canRelease
              }
              conditions
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }
            """)
        variables: dict[str, object] = {"input": input}
        response = await self.execute(
            query=query, operation_name="Generate", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Generate.model_validate(data)

    async def job(self, id: str, **kwargs: Any) -> Job:
        query = gql("""
            query Job($id: ID!) {
              job(id: $id) {
                ...JobFields
              }
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Job", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Job.model_validate(data)

    async def jobs(
        self,
        first: int,
        status: Union[Optional[JobStatus], UnsetType] = UNSET,
        kind: Union[Optional[JobKind], UnsetType] = UNSET,
        project_id: Union[Optional[str], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Jobs:
        query = gql("""
            query Jobs($status: JobStatus, $kind: JobKind, $projectId: ID, $first: Int!, $after: String) {
              jobs(
                status: $status
                kind: $kind
                projectId: $projectId
                first: $first
                after: $after
              ) {
                nodes {
                  ...JobFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "status": status,
            "kind": kind,
            "projectId": project_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Jobs", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Jobs.model_validate(data)

    async def cancel_job(self, id: str, **kwargs: Any) -> CancelJob:
        query = gql("""
            mutation CancelJob($id: ID!) {
              cancelJob(id: $id) {
                ...JobFields
              }
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="CancelJob", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return CancelJob.model_validate(data)

    async def approve_job(self, id: str, comment: str, **kwargs: Any) -> ApproveJob:
        query = gql("""
            mutation ApproveJob($id: ID!, $comment: String!) {
              approveJob(jobId: $id, comment: $comment) {
                ...JobFields
              }
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }
            """)
        variables: dict[str, object] = {"id": id, "comment": comment}
        response = await self.execute(
            query=query, operation_name="ApproveJob", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ApproveJob.model_validate(data)

    async def reject_job(self, id: str, comment: str, **kwargs: Any) -> RejectJob:
        query = gql("""
            mutation RejectJob($id: ID!, $comment: String!) {
              rejectJob(jobId: $id, comment: $comment) {
                ...JobFields
              }
            }

            fragment JobFields on Job {
              id
              kind
              status
              projectId
              modelId
              batchId
              error
              attempts
              progress {
                percent
                epoch
                totalEpochs
                loss
                etaSeconds
                message
              }
              createdAt
              startedAt
              finishedAt
              review {
                approved
                reviewerId
                comment
                reviewedAt
              }
              name
            }
            """)
        variables: dict[str, object] = {"id": id, "comment": comment}
        response = await self.execute(
            query=query, operation_name="RejectJob", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return RejectJob.model_validate(data)

    async def release_batch(self, id: str, reason: str, **kwargs: Any) -> ReleaseBatch:
        query = gql("""
            mutation ReleaseBatch($id: ID!, $reason: String!) {
              releaseBatch(batchId: $id, reason: $reason) {
                ...BatchFields
              }
            }

            fragment BatchFields on Batch {
              id
              projectId
              modelId
              datasetId
              jobId
              status
              rowCount
              format
              error
              templateId
              tables
              qualityScore
              privacyVerdict
              createdAt
              expiresAt
              gate {
                state
                message
                reason
                releasedBy
                releasedAt
                canRelease
              }
              conditions
            }
            """)
        variables: dict[str, object] = {"id": id, "reason": reason}
        response = await self.execute(
            query=query, operation_name="ReleaseBatch", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return ReleaseBatch.model_validate(data)

    async def model(self, id: str, **kwargs: Any) -> Model:
        query = gql("""
            query Model($id: ID!) {
              model(id: $id) {
                ...ModelFields
              }
            }

            fragment ModelFields on Model {
              id
              projectId
              datasetId
              name
              engine
              status
              error
              params {
                epochs
                batchSize
                timeBudgetSeconds
                seed
                options
                differentialPrivacy {
                  epsilon
                  delta
                  maxGradNorm
                  noiseMultiplier
                }
              }
              metrics
              privacySpent {
                epsilon
                delta
              }
              createdAt
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Model", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Model.model_validate(data)

    async def models(
        self,
        first: int,
        project_id: Union[Optional[str], UnsetType] = UNSET,
        dataset_id: Union[Optional[str], UnsetType] = UNSET,
        status: Union[Optional[ModelStatus], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Models:
        query = gql("""
            query Models($projectId: ID, $datasetId: ID, $status: ModelStatus, $first: Int!, $after: String) {
              models(
                projectId: $projectId
                datasetId: $datasetId
                status: $status
                first: $first
                after: $after
              ) {
                nodes {
                  ...ModelFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment ModelFields on Model {
              id
              projectId
              datasetId
              name
              engine
              status
              error
              params {
                epochs
                batchSize
                timeBudgetSeconds
                seed
                options
                differentialPrivacy {
                  epsilon
                  delta
                  maxGradNorm
                  noiseMultiplier
                }
              }
              metrics
              privacySpent {
                epsilon
                delta
              }
              createdAt
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "projectId": project_id,
            "datasetId": dataset_id,
            "status": status,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Models", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Models.model_validate(data)

    async def batch(self, id: str, **kwargs: Any) -> Batch:
        query = gql("""
            query Batch($id: ID!) {
              batch(id: $id) {
                ...BatchFields
              }
            }

            fragment BatchFields on Batch {
              id
              projectId
              modelId
              datasetId
              jobId
              status
              rowCount
              format
              error
              templateId
              tables
              qualityScore
              privacyVerdict
              createdAt
              expiresAt
              gate {
                state
                message
                reason
                releasedBy
                releasedAt
                canRelease
              }
              conditions
            }
            """)
        variables: dict[str, object] = {"id": id}
        response = await self.execute(
            query=query, operation_name="Batch", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Batch.model_validate(data)

    async def batches(
        self,
        first: int,
        project_id: Union[Optional[str], UnsetType] = UNSET,
        model_id: Union[Optional[str], UnsetType] = UNSET,
        dataset_id: Union[Optional[str], UnsetType] = UNSET,
        after: Union[Optional[str], UnsetType] = UNSET,
        **kwargs: Any,
    ) -> Batches:
        query = gql("""
            query Batches($projectId: ID, $modelId: ID, $datasetId: ID, $first: Int!, $after: String) {
              batches(
                projectId: $projectId
                modelId: $modelId
                datasetId: $datasetId
                first: $first
                after: $after
              ) {
                nodes {
                  ...BatchFields
                }
                pageInfo {
                  ...PageFields
                }
              }
            }

            fragment BatchFields on Batch {
              id
              projectId
              modelId
              datasetId
              jobId
              status
              rowCount
              format
              error
              templateId
              tables
              qualityScore
              privacyVerdict
              createdAt
              expiresAt
              gate {
                state
                message
                reason
                releasedBy
                releasedAt
                canRelease
              }
              conditions
            }

            fragment PageFields on PageInfo {
              hasNextPage
              endCursor
            }
            """)
        variables: dict[str, object] = {
            "projectId": project_id,
            "modelId": model_id,
            "datasetId": dataset_id,
            "first": first,
            "after": after,
        }
        response = await self.execute(
            query=query, operation_name="Batches", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return Batches.model_validate(data)

    async def batch_preview(
        self, id: str, n: int, table: str, **kwargs: Any
    ) -> BatchPreview:
        query = gql("""
            query BatchPreview($id: ID!, $n: Int!, $table: String!) {
              batch(id: $id) {
                previewRows(n: $n, table: $table)
              }
            }
            """)
        variables: dict[str, object] = {"id": id, "n": n, "table": table}
        response = await self.execute(
            query=query, operation_name="BatchPreview", variables=variables, **kwargs
        )
        data = self.get_data(response)
        return BatchPreview.model_validate(data)

    async def job_updates(
        self, job_id: str, **kwargs: Any
    ) -> AsyncIterator[JobUpdates]:
        query = gql("""
            subscription JobUpdates($jobId: ID!) {
              jobUpdates(jobId: $jobId) {
                ...JobUpdateFields
              }
            }

            fragment JobUpdateFields on JobUpdate {
              jobId
              status
              percent
              epoch
              totalEpochs
              loss
              etaSeconds
              message
              error
              modelId
              batchId
            }
            """)
        variables: dict[str, object] = {"jobId": job_id}
        async for data in self.execute_ws(
            query=query, operation_name="JobUpdates", variables=variables, **kwargs
        ):
            yield JobUpdates.model_validate(data)
