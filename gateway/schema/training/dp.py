"""Differential privacy on training: the budget asked for (`trainModel`'s
`differentialPrivacy`) and what a model's training spent."""

from __future__ import annotations

import strawberry

from gateway.schema.common import from_message
from synthetica.training.v1 import training_pb2


@strawberry.type(description="a DP-SGD budget a model was trained within")
class DifferentialPrivacy:
    epsilon: float = strawberry.field(description="the privacy loss training stops before")
    delta: float | None
    max_grad_norm: float | None = strawberry.field(
        description="per-sample gradients are clipped to this L2 norm"
    )
    noise_multiplier: float | None = strawberry.field(
        description="Gaussian noise's standard deviation, relative to maxGradNorm"
    )

    @classmethod
    def from_proto(cls, params: training_pb2.TrainParams) -> DifferentialPrivacy | None:
        if not params.HasField("differential_privacy"):
            return None
        return from_message(cls, params.differential_privacy)


@strawberry.input(
    description="train with differential privacy (DP-SGD); engines with the "
    "DIFFERENTIAL_PRIVACY capability only. Unset fields take the defaults: delta 1e-5, "
    "maxGradNorm 1.0, noiseMultiplier 1.5"
)
class DifferentialPrivacyInput:
    epsilon: float = strawberry.field(
        description="privacy budget: training stops before spending more (0 < epsilon <= 100)"
    )
    delta: float | None = strawberry.field(default=None, description="0 < delta <= 1e-3")
    max_grad_norm: float | None = None
    noise_multiplier: float | None = None

    def to_proto(self) -> training_pb2.DifferentialPrivacy:
        return training_pb2.DifferentialPrivacy(
            epsilon=self.epsilon,
            delta=self.delta,
            max_grad_norm=self.max_grad_norm,
            noise_multiplier=self.noise_multiplier,
        )


@strawberry.type(description="the privacy loss a model's training spent (RDP accountant)")
class PrivacySpent:
    epsilon: float
    delta: float

    @classmethod
    def from_proto(cls, model: training_pb2.Model) -> PrivacySpent | None:
        if not model.HasField("privacy_spent"):
            return None
        return from_message(cls, model.privacy_spent)
