"""Contracts between services that are not gRPC messages: shapes one service writes and another
reads, modelled once here and imported by both (the template schema: training stores and
generates it, evaluation checks a batch's conformance against it)."""
