from pydantic import Field

from .base_model import BaseModel
from .fragments import ConnectionFields, PageFields


class Connections(BaseModel):
    connections: "ConnectionsConnections"


class ConnectionsConnections(BaseModel):
    nodes: list["ConnectionsConnectionsNodes"]
    page_info: "ConnectionsConnectionsPageInfo" = Field(alias="pageInfo")


ConnectionsConnectionsNodes = ConnectionFields
ConnectionsConnectionsPageInfo = PageFields
Connections.model_rebuild()
ConnectionsConnections.model_rebuild()
