import type { CodegenConfig } from "@graphql-codegen/cli";

// Operation types come from the gateway's exported schema: a schema change that breaks a
// page breaks `npm run build`.
const config: CodegenConfig = {
  schema: "../gateway/schema.graphql",
  documents: ["src/**/*.graphql"],
  ignoreNoDocuments: false,
  generates: {
    "src/gql/": {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTime: "string", JSON: "unknown", Upload: "File" },
      },
    },
  },
};
export default config;
