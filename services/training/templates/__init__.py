"""Template and custom-schema generation: vectorized, seeded, chunked.

Typical use::

    p = plan("user", count=1_000_000, seed=7, locale="de_DE")
    for table_name, batch in generate(p, chunk_rows=100_000, progress=report):
        writer.write(batch)
"""

# Importing the functions registers them in expressions.FUNCTIONS.
from common.contracts.template_schema import (
    FieldSpec,
    ForeignKey,
    Schema,
    SchemaError,
    TableSpec,
    parse_schema,
)
from services.training.templates import functions  # noqa: F401
from services.training.templates.builtin import TEMPLATES, TemplateInfo, list_templates
from services.training.templates.generator import (
    DEFAULT_CHUNK_ROWS,
    DEFAULT_REFERENCE_DATE,
    GenerationPlan,
    TablePlan,
    generate,
    plan,
)
from services.training.templates.validation import (
    DEFAULT_MAX_FIELDS,
    DEFAULT_MAX_ROWS,
    validate_schema,
)
from services.training.templates.vocab import SUPPORTED_LOCALES

__all__ = [
    "DEFAULT_CHUNK_ROWS",
    "DEFAULT_MAX_FIELDS",
    "DEFAULT_MAX_ROWS",
    "DEFAULT_REFERENCE_DATE",
    "SUPPORTED_LOCALES",
    "TEMPLATES",
    "FieldSpec",
    "ForeignKey",
    "GenerationPlan",
    "Schema",
    "SchemaError",
    "TablePlan",
    "TableSpec",
    "TemplateInfo",
    "generate",
    "list_templates",
    "parse_schema",
    "plan",
    "validate_schema",
]
