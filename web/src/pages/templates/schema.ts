// Client-side checks of a custom schema's shape, so a typo is shown at its field before the
// server's full validation (which also names fields: schema.tables[0].fields[2].type).

export interface SchemaIssue {
  path: string;
  message: string;
}

interface FieldSpec {
  name?: unknown;
  type?: unknown;
  categories?: unknown;
  min?: unknown;
  max?: unknown;
}

export function checkSchema(schema: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) {
    return [{ path: "(schema)", message: "The schema must be a JSON object with a list of tables." }];
  }
  const tables = (schema as { tables?: unknown }).tables;
  if (!Array.isArray(tables) || tables.length === 0) {
    return [{ path: "tables", message: "List at least one table." }];
  }
  tables.forEach((table: { name?: unknown; fields?: unknown }, t) => {
    if (typeof table?.name !== "string" || !table.name) issues.push({ path: `tables[${t}].name`, message: "Every table needs a name." });
    if (!Array.isArray(table?.fields) || table.fields.length === 0) {
      issues.push({ path: `tables[${t}].fields`, message: "List at least one field." });
      return;
    }
    (table.fields as FieldSpec[]).forEach((field, f) => {
      if (typeof field?.name !== "string" || !field.name) issues.push({ path: `tables[${t}].fields[${f}].name`, message: "Every field needs a name." });
      if (typeof field?.type !== "string" || !field.type) issues.push({ path: `tables[${t}].fields[${f}].type`, message: "Every field needs a type." });
      if (typeof field?.min === "number" && typeof field?.max === "number" && field.min > field.max) {
        issues.push({ path: `tables[${t}].fields[${f}].min`, message: "min is greater than max." });
      }
    });
  });
  return issues;
}
