"""Conditions stored in a protobuf Struct read back as a user wrote them: a Struct keeps
every number as a double, so `{"Temp": 20}` came back `{"Temp": 20.0}`."""

from __future__ import annotations

from google.protobuf import json_format, struct_pb2

from common.protos import whole_numbers


def test_whole_numbers_come_back_whole_and_fractions_stay():
    asked = {"Temp": 20, "Wind": {"gte": 1.5, "lte": 9}, "Month": [5, 6], "sex": "Female"}
    stored = struct_pb2.Struct()
    stored.update(asked)
    read = json_format.MessageToDict(stored)
    assert read["Temp"] == 20.0 and isinstance(read["Temp"], float)  # what the Struct gives
    back = whole_numbers(read)
    assert back == asked
    assert isinstance(back["Temp"], int) and isinstance(back["Month"][0], int)
    assert isinstance(back["Wind"]["gte"], float) and isinstance(back["Wind"]["lte"], int)
