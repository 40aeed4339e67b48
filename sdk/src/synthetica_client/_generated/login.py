from .base_model import BaseModel
from .fragments import TokenFields, UserFields


class Login(BaseModel):
    login: "LoginLogin"


class LoginLogin(BaseModel):
    user: "LoginLoginUser"
    tokens: "LoginLoginTokens"


LoginLoginUser = UserFields
LoginLoginTokens = TokenFields
Login.model_rebuild()
LoginLogin.model_rebuild()
