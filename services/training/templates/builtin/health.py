"""``healthcare_ehr``: patients, their visits, labs and medications."""

from __future__ import annotations

import math
from typing import Any

from services.training.templates.builtin.fields import Options, cat, derived, fk, seq

_DIAGNOSES = {
    "E11.9": "Type 2 diabetes mellitus without complications",
    "I10": "Essential (primary) hypertension",
    "J06.9": "Acute upper respiratory infection",
    "M54.5": "Low back pain",
    "F32.9": "Major depressive disorder, single episode",
    "J45.909": "Asthma, uncomplicated",
    "K21.9": "Gastro-esophageal reflux disease",
    "E78.5": "Hyperlipidemia",
    "N39.0": "Urinary tract infection",
    "R51": "Headache",
}
# The department that sees each diagnosis.
_DEPARTMENTS = {
    "E11.9": "endocrinology",
    "I10": "cardiology",
    "J06.9": "primary care",
    "M54.5": "orthopedics",
    "F32.9": "psychiatry",
    "J45.909": "primary care",
    "K21.9": "primary care",
    "E78.5": "cardiology",
    "N39.0": "primary care",
    "R51": "primary care",
}
# test: (unit, mean, std, reference low, reference high). Values are log-normal with that
# mean and spread: skewed to the right like real lab results, and never negative.
_LABS = {
    "Glucose": ("mg/dL", 100.0, 25.0, 70.0, 99.0),
    "Hemoglobin A1c": ("%", 5.8, 0.9, 4.0, 5.6),
    "Hemoglobin": ("g/dL", 14.0, 1.6, 12.0, 17.5),
    "LDL Cholesterol": ("mg/dL", 115.0, 35.0, 0.0, 100.0),
    "Creatinine": ("mg/dL", 0.95, 0.25, 0.6, 1.3),
    "TSH": ("mIU/L", 2.2, 1.1, 0.4, 4.0),
}
_DRUGS = {
    "Metformin": (500, 850, 1000),
    "Lisinopril": (5, 10, 20),
    "Atorvastatin": (10, 20, 40),
    "Amoxicillin": (250, 500),
    "Sertraline": (50, 100),
    "Omeprazole": (20, 40),
    "Ibuprofen": (200, 400, 600),
    "Montelukast": (4, 10),
}
# drug: (how often it is taken, days a prescription lasts): a course of antibiotics is a week
# or two, a painkiller is taken as needed, the rest are daily and long-term.
_REGIMENS = {
    "Metformin": (("twice daily", "once daily"), (30, 60, 90)),
    "Lisinopril": (("once daily",), (30, 60, 90)),
    "Atorvastatin": (("once daily",), (30, 60, 90)),
    "Amoxicillin": (("three times daily", "twice daily"), (7, 14)),
    "Sertraline": (("once daily",), (30, 60, 90)),
    "Omeprazole": (("once daily",), (14, 30, 60)),
    "Ibuprofen": (("as needed", "three times daily"), (7, 14)),
    "Montelukast": (("once daily",), (30, 60, 90)),
}
# Ibuprofen also comes as a gel; the others here are tablets or capsules.
_ROUTE = "'topical' if drug_name == 'Ibuprofen' and bernoulli(0.15) else 'oral'"


def _regimen(position: int) -> str:
    return repr({drug: regimen[position] for drug, regimen in _REGIMENS.items()})


def _lab_map(position: int) -> str:
    return repr({test: values[position] for test, values in _LABS.items()})


def _lab_value() -> str:
    """A log-normal draw with each test's mean and standard deviation: its median times
    e to the power of sigma times a standard normal draw."""
    sigma = {t: math.sqrt(math.log(1 + (v[2] / v[1]) ** 2)) for t, v in _LABS.items()}
    median = {t: v[1] / math.sqrt(1 + (v[2] / v[1]) ** 2) for t, v in _LABS.items()}
    return (
        f"round(map(test_name, {median!r}) "
        f"* {math.e!r} ** (normal(0, 1) * map(test_name, {sigma!r})), 2)"
    )


def healthcare(options: Options) -> dict[str, Any]:
    patients = [
        seq("patient_id"),
        derived("mrn", "string", "'MRN' + pad(patient_id, 8)"),
        cat("gender", ["female", "male"]),
        derived("first_name", "first_name", "first_name_for(gender)"),
        {"name": "last_name", "type": "last_name"},
        # Born at least five years ago, so every visit (last three years) is after birth.
        {"name": "date_of_birth", "type": "date", "min": "today-95y", "max": "today-5y"},
        derived("age", "int", "years_between(date_of_birth, today())"),
        cat(
            "blood_type",
            ["O+", "A+", "B+", "AB+", "O-", "A-", "B-", "AB-"],
            [0.38, 0.34, 0.09, 0.03, 0.07, 0.06, 0.02, 0.01],
        ),
        {"name": "phone", "type": "phone"},
        {"name": "address", "type": "address"},
        cat("insurance", ["private", "public", "self-pay"], [0.55, 0.38, 0.07]),
    ]
    visits = [
        seq("visit_id"),
        fk("patient_id", "patients", "patient_id"),
        {"name": "visit_date", "type": "datetime", "min": "today-3y", "max": "today"},
        cat(
            "visit_type",
            ["outpatient", "inpatient", "emergency", "telehealth"],
            [0.6, 0.12, 0.13, 0.15],
        ),
        derived("department", "string", f"map(diagnosis_code, {_DEPARTMENTS!r})"),
        cat("diagnosis_code", list(_DIAGNOSES)),
        derived("diagnosis_description", "string", f"map(diagnosis_code, {_DIAGNOSES!r})"),
    ]
    labs = [
        seq("lab_id"),
        fk("visit_id", "visits", "visit_id"),
        cat("test_name", list(_LABS)),
        derived("value", "float", _lab_value()),
        derived("unit", "string", f"map(test_name, {_lab_map(0)})"),
        derived("reference_low", "float", f"map(test_name, {_lab_map(3)})"),
        derived("reference_high", "float", f"map(test_name, {_lab_map(4)})"),
        derived("abnormal", "bool", "value < reference_low or value > reference_high"),
    ]
    medications = [
        seq("medication_id"),
        fk("visit_id", "visits", "visit_id"),
        cat("drug_name", list(_DRUGS)),
        derived("dose_mg", "int", f"choice_by(drug_name, {_DRUGS!r})"),
        derived("frequency", "string", f"choice_by(drug_name, {_regimen(0)})"),
        derived("route", "string", _ROUTE),
        derived("days_supply", "int", f"choice_by(drug_name, {_regimen(1)})"),
    ]
    return {
        "tables": [
            {"name": "patients", "fields": patients},
            {"name": "visits", "rows_per_parent": 3.0, "fields": visits},
            {"name": "labs", "rows_per_parent": 2.0, "fields": labs},
            {"name": "medications", "rows_per_parent": 1.2, "fields": medications},
        ]
    }
