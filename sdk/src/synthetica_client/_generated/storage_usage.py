from typing import Optional

from pydantic import Field

from .base_model import BaseModel


class StorageUsage(BaseModel):
    storage_usage: "StorageUsageStorageUsage" = Field(alias="storageUsage")


class StorageUsageStorageUsage(BaseModel):
    used_bytes: float = Field(alias="usedBytes")
    quota_bytes: Optional[float] = Field(alias="quotaBytes")


StorageUsage.model_rebuild()
