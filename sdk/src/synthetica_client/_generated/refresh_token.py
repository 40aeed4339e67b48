from pydantic import Field

from .base_model import BaseModel
from .fragments import TokenFields


class RefreshToken(BaseModel):
    refresh_token: "RefreshTokenRefreshToken" = Field(alias="refreshToken")


RefreshTokenRefreshToken = TokenFields
RefreshToken.model_rebuild()
