"""Auth: the GraphQL objects, enums and inputs of the domain, built from its protos."""

from __future__ import annotations

from datetime import datetime
from enum import Enum

import strawberry

from gateway.schema.common import FromProto, from_message, from_proto_enum
from synthetica.auth.v1 import auth_pb2


@strawberry.enum
class Role(Enum):
    ADMIN = auth_pb2.USER_ROLE_ADMIN
    MEMBER = auth_pb2.USER_ROLE_MEMBER


@strawberry.type
class Profile:
    display_name: str
    organization: str
    bio: str


@strawberry.type
class User:
    id: strawberry.ID
    email: str
    role: Role
    disabled: bool
    profile: Profile
    created_at: datetime | None
    updated_at: datetime | None

    @classmethod
    def from_proto(cls, user: auth_pb2.User) -> User:
        return from_message(
            cls,
            user,
            role=from_proto_enum(Role, user.role) or Role.MEMBER,
            profile=from_message(Profile, user.profile),
        )


@strawberry.type
class TokenPair(FromProto[auth_pb2.TokenPair]):
    access_token: str
    refresh_token: str
    token_type: str
    expires_in: int = strawberry.field(description="access token lifetime in seconds")
    refresh_expires_in: int


@strawberry.type
class AuthPayload:
    user: User
    tokens: TokenPair

    @classmethod
    def from_proto(
        cls, response: auth_pb2.RegisterResponse | auth_pb2.LoginResponse
    ) -> AuthPayload:
        return cls(
            user=User.from_proto(response.user), tokens=TokenPair.from_proto(response.tokens)
        )


@strawberry.type
class ApiKey(FromProto[auth_pb2.ApiKey]):
    id: strawberry.ID
    name: str
    prefix: str
    created_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    expires_at: datetime | None


@strawberry.type
class CreatedApiKey:
    api_key: ApiKey
    secret: str = strawberry.field(description="the full key: shown this once, never again")


@strawberry.input
class RegisterInput:
    email: str
    password: str
    display_name: str = ""
    organization: str = ""


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class UpdateProfileInput:
    display_name: str | None = None
    organization: str | None = None
    bio: str | None = None


@strawberry.input
class CreateApiKeyInput:
    name: str
    expires_in_days: int = 0
