"""The bodies of the gateway's own routes (sign-in, tokens, passwords, grants), for contracts/openapi.yaml: the
routes read them as they always did, the models only say what a client sends."""
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .accounts import Grant


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginIn(Body):
    username: Annotated[str, Field(min_length=1, max_length=32)]
    password: Annotated[str, Field(min_length=1, max_length=200)]


class RefreshIn(Body):
    refresh_token: Annotated[str, Field(min_length=1, max_length=2000, description="登录或上次刷新所得的刷新令牌")]


class PasswordChangeIn(Body):
    old_password: Annotated[str, Field(min_length=1, max_length=200)]
    new_password: Annotated[str, Field(min_length=1, max_length=200, description="至少10位，含三类字符，不含用户名")]


class GrantsIn(Body):
    grants: Annotated[list[Grant], Field(min_length=1, max_length=20, description="角色与辖区，整体替换")]
