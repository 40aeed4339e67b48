from pydantic import Field

from .base_model import BaseModel
from .fragments import TokenFields, UserFields


class Register(BaseModel):
    sign_up: "RegisterSignUp" = Field(alias="signUp")


class RegisterSignUp(BaseModel):
    user: "RegisterSignUpUser"
    tokens: "RegisterSignUpTokens"


RegisterSignUpUser = UserFields
RegisterSignUpTokens = TokenFields
Register.model_rebuild()
RegisterSignUp.model_rebuild()
