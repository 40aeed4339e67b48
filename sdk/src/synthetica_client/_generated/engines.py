from typing import Any, Optional

from pydantic import Field

from .base_model import BaseModel


class Engines(BaseModel):
    engines: list["EnginesEngines"]


class EnginesEngines(BaseModel):
    name: str
    library: str
    license: str
    description: str
    parameters: list["EnginesEnginesParameters"]


class EnginesEnginesParameters(BaseModel):
    name: str
    type_: str = Field(alias="type")
    default: Optional[Any]
    min: Optional[float]
    max: Optional[float]
    description: str


Engines.model_rebuild()
EnginesEngines.model_rebuild()
