import { lazy, Suspense, useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Facts, NotLoaded } from "../../components/page";
import { Alert, Field, Loading, StatusBadge, RowsAndSeedFields, StoredFormatField, formatDate } from "../../components/ui";
import { GenerateDocument, ModelBatchesDocument, ModelDocument, type ExportFormat, type ModelQuery } from "../../gql/graphql";
import { checkJson, checkRows, checkSeed, isJsonObject, type JsonObject } from "../../lib/checks";
import { fieldError, toApiError } from "../../lib/errors";
import { canEdit } from "../../lib/roles";
import { BATCH_COLUMNS } from "../projects/ProjectPage";
import { PagedSection } from "../../components/lists";

const LossCurve = lazy(() => import("./LossCurve"));

export default function ModelPage() {
  const { modelId = "" } = useParams();
  const [result] = useQuery({ query: ModelDocument, variables: { id: modelId }, requestPolicy: "network-only" });
  const data = result.data;
  if (result.error || !data) return <NotLoaded result={result} what="the model" />;
  const model = data.model;
  const metrics = (model.metrics ?? {}) as { loss_curve?: [number, number][]; duration_seconds?: number; epochs_run?: number; stopped_by_budget?: boolean };
  return (
    <section>
      <p className="crumbs">
        <Link to={`/projects/${model.projectId}`}>{model.project?.name ?? "Project"}</Link> /{" "}
        {model.dataset ? <Link to={`/datasets/${model.datasetId}`}>{model.dataset.name}</Link> : "dataset"} / Model
      </p>
      <h1>
        {model.name || `Model ${model.id}`} <span className="muted">({model.engine})</span>
      </h1>
      <Facts
        facts={[
          ["Status", <StatusBadge status={model.status} />],
          ["Training time", metrics.duration_seconds != null ? `${metrics.duration_seconds.toFixed(1)} s` : "–"],
          ["Epochs", `${metrics.epochs_run ?? model.params.epochs ?? "–"}${metrics.stopped_by_budget ? " (stopped by the time budget)" : ""}`],
          ["Seed", model.params.seed ?? "random"],
          ["Differential privacy", privacyUsed(model)],
          ["Created", formatDate(model.createdAt)],
        ]}
      />
      <Alert>{model.error}</Alert>
      {metrics.loss_curve && metrics.loss_curve.length > 0 ? (
        <Suspense fallback={<Loading what="the loss curve" />}>
          <LossCurve points={metrics.loss_curve} />
        </Suspense>
      ) : null}
      {model.status === "READY" && canEdit(model.project?.myRole) ? (
        <GenerateForm modelId={model.id} columns={model.dataset?.columns.map((c) => c.name) ?? []} />
      ) : null}
      <PagedSection title="Batches from this model" query={ModelBatchesDocument} variables={{ projectId: model.projectId, modelId: model.id }} connection={(d) => d.batches}
        what="batches" caption="Batches" empty="No batches yet." columns={BATCH_COLUMNS} />
    </section>
  );
}

/** The privacy budget a model was trained with, and how much of it training spent. */
function privacyUsed({ params, privacySpent }: Pick<ModelQuery["model"], "params" | "privacySpent">): string {
  if (!params.differentialPrivacy) return "not used";
  const budget = params.differentialPrivacy.epsilon;
  return privacySpent ? `ε ${privacySpent.epsilon.toFixed(2)} of ${budget} spent (δ ${privacySpent.delta})` : `budget ε ${budget}`;
}

export function GenerateForm({ modelId, columns }: { modelId: string; columns: string[] }) {
  const navigate = useNavigate();
  const [rows, setRows] = useState("1000");
  const [seed, setSeed] = useState("");
  const [conditions, setConditions] = useState("");
  const [ratio, setRatio] = useState("");
  const [markColumn, setMarkColumn] = useState("");
  const [bounds, setBounds] = useState(true);
  const [format, setFormat] = useState<ExportFormat>("CSV");
  const [local, setLocal] = useState<Record<string, string>>({});
  const [result, generate] = useMutation(GenerateDocument);
  const apiError = result.error ? toApiError(result.error) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    const count = checkRows(rows, errors);
    const seedValue = checkSeed(seed, errors);
    const example = `{"${columns[0] ?? "column"}": "value"}`;
    const conditionsMessage = `Write a JSON object of column: value, e.g. ${example}.`;
    const parsedConditions = checkJson(conditions, errors, "conditions", conditionsMessage, isJsonObject) as JsonObject | null;
    const ratioValue = ratio.trim() === "" ? null : Number(ratio);
    if (ratioValue !== null && !(ratioValue >= 0 && ratioValue <= 1)) errors.ratio = "Enter a share between 0 and 1.";
    setLocal(errors);
    if (Object.keys(errors).length > 0) return;
    const done = await generate({
      input: {
        modelId,
        count,
        seed: seedValue,
        conditions: parsedConditions,
        anomalies: ratioValue ? { ratio: ratioValue, markColumn } : null,
        enforceBounds: bounds,
        format,
      },
    });
    if (done.data) navigate(`/batches/${done.data.generate.batch.id}`);
  }

  const conditionError = local.conditions ?? (apiError?.fields.find((f) => f.field.startsWith("conditions"))?.message);
  const claimed = ["count", "seed", "conditions", "ratio", "mark_column", "format"];
  const unclaimed = apiError && !claimed.some((k) => fieldError(apiError, k)) && !conditionError;
  return (
    <form onSubmit={submit} className="card" aria-labelledby="generate-heading" noValidate>
      <h2 id="generate-heading">Generate synthetic data</h2>
      <RowsAndSeedFields rows={rows} seed={seed} onRows={setRows} onSeed={setSeed} local={local} apiError={apiError} />
      <Field label="Conditions (optional JSON)" error={conditionError} hint={columns.length ? `Fix column values, e.g. {"${columns[0]}": …}. Columns: ${columns.join(", ")}.` : undefined}>
        {(p) => <textarea {...p} rows={2} value={conditions} onChange={(e) => setConditions(e.target.value)} />}
      </Field>
      <Field label="Anomalies ratio (optional, 0 to 1)" error={local.ratio ?? fieldError(apiError, "ratio")}>
        {(p) => <input {...p} inputMode="decimal" value={ratio} onChange={(e) => setRatio(e.target.value)} />}
      </Field>
      <Field label="Mark anomalies in column (optional)" error={fieldError(apiError, "mark_column")}>
        {(p) => <input {...p} value={markColumn} onChange={(e) => setMarkColumn(e.target.value)} />}
      </Field>
      <div className="field checkbox">
        <label>
          <input type="checkbox" checked={bounds} onChange={(e) => setBounds(e.target.checked)} /> Keep numbers within the real minimum and maximum
        </label>
      </div>
      <StoredFormatField value={format} onChange={setFormat} />
      {unclaimed ? <Alert error={apiError} /> : null}
      <button type="submit" className="primary" disabled={result.fetching}>
        Generate
      </button>
    </form>
  );
}
