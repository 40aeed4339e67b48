"""``robotics_sensors``: IMU and GPS time series per device."""

from __future__ import annotations

from typing import Any

from services.training.templates.builtin.fields import Options, cat, derived, fk, seq


def robotics(options: Options) -> dict[str, Any]:
    hz = float(options["sampling_rate_hz"])
    gps_hz = float(options["gps_rate_hz"])
    duration = float(options["duration_s"])
    failure = float(options["failure_rate"])
    imu_samples = max(1, round(hz * duration))
    gps_samples = max(1, round(gps_hz * duration))
    modes = ["none", "dropout", "spike", "saturation"]
    modes_weights = [1 - failure, failure / 3, failure / 3, failure / 3]

    def imu_axis(name: str, base: str, noise: float, limit: float) -> dict[str, Any]:
        raw = f"{base} + normal(0, {noise})"
        expression = (
            f"None if failure_mode == 'dropout' else ({raw}) * 8 if failure_mode == 'spike' "
            f"else {limit} if failure_mode == 'saturation' else {raw}"
        )
        return derived(name, "float", expression)

    t_imu = f"(_row % {imu_samples}) / {hz}"
    t_gps = f"(_row % {gps_samples}) / {gps_hz}"
    devices = [
        seq("device_id"),
        {"name": "serial_number", "type": "string", "format": "RB-####-????"},
        cat("model", ["AMR-100", "AMR-200", "ARM-6DOF", "DRONE-X4"]),
        cat("firmware", ["1.4.2", "1.5.0", "2.0.1"], [0.2, 0.5, 0.3]),
        {"name": "site_city", "type": "city"},
    ]
    imu = [
        fk("device_id", "devices", "device_id", mode="sequential"),
        derived(
            "timestamp",
            "datetime",
            f"now() - days(30) + days(int(device_id % 29)) + seconds({t_imu})",
        ),
        cat("failure_mode", modes, modes_weights),
        imu_axis("accel_x", f"0.3 * sin({t_imu} * 0.5)", 0.02, 16.0),
        imu_axis("accel_y", f"0.2 * sin({t_imu} * 0.3)", 0.02, 16.0),
        imu_axis("accel_z", "9.81", 0.03, 16.0),
        imu_axis("gyro_x", f"0.05 * sin({t_imu})", 0.005, 2000.0),
        imu_axis("gyro_y", f"0.04 * sin({t_imu} * 0.7)", 0.005, 2000.0),
        imu_axis("gyro_z", f"0.1 * sin({t_imu} * 0.2)", 0.005, 2000.0),
        derived(
            "temperature_c", "float", f"round(35 + 5 * sin({t_imu} / 600) + normal(0, 0.2), 2)"
        ),
    ]
    gps = [
        fk("device_id", "devices", "device_id", mode="sequential"),
        derived(
            "timestamp",
            "datetime",
            f"now() - days(30) + days(int(device_id % 29)) + seconds({t_gps})",
        ),
        cat(
            "failure_mode",
            ["none", "dropout", "multipath"],
            [1 - failure, failure / 2, failure / 2],
        ),
        derived(
            "latitude",
            "float",
            f"None if failure_mode == 'dropout' else 37.70 + (device_id % 50) * 0.004 + 0.0005 * "
            f"sin({t_gps} / 30) + normal(0, 0.00001) "
            "+ (0.002 if failure_mode == 'multipath' else 0.0)",
        ),
        derived(
            "longitude",
            "float",
            f"None if failure_mode == 'dropout' else -122.45 + (device_id % 50) * 0.004 + 0.0005"
            f" * sin({t_gps} / 45) + normal(0, 0.00001)",
        ),
        derived(
            "altitude_m",
            "float",
            "None if failure_mode == 'dropout' else round(30 + normal(0, 1.5), 2)",
        ),
        derived(
            "speed_mps",
            "float",
            "None if failure_mode == 'dropout' else round(abs(1.2 + normal(0, 0.3)), 3)",
        ),
        derived("satellites", "int", "0 if failure_mode == 'dropout' else randint(6, 14)"),
        derived(
            "hdop", "float", "99.9 if failure_mode == 'dropout' else round(uniform(0.6, 2.5), 2)"
        ),
    ]
    return {
        "tables": [
            {"name": "devices", "fields": devices},
            {"name": "imu", "rows_per_parent": float(imu_samples), "fields": imu},
            {"name": "gps", "rows_per_parent": float(gps_samples), "fields": gps},
        ]
    }
