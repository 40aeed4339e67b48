import { useState, type FormEvent } from "react";
import { Link, useNavigate, useParams } from "react-router-dom";
import { useMutation, useQuery } from "urql";
import { Alert, Field, Loading } from "../../components/ui";
import { EnginesDocument, type EngineCapability, TrainModelDocument, TrainTargetDocument } from "../../gql/graphql";
import { checkSeed } from "../../lib/checks";
import { fieldError, toApiError } from "../../lib/errors";
import { canEdit, VIEWER_MESSAGE } from "../../lib/roles";
import { COMMON, parseParameter, rangeHint, type Engine } from "./engineParams";

export default function TrainPage() {
  const { datasetId = "" } = useParams();
  const [target] = useQuery({ query: TrainTargetDocument, variables: { id: datasetId } });
  const [engines] = useQuery({ query: EnginesDocument });
  if (target.error) return <Alert error={toApiError(target.error)} />;
  if (!target.data || !engines.data) return <Loading what="engines" />;
  const dataset = target.data.dataset;
  if (!canEdit(dataset.project?.myRole)) {
    return (
      <section>
        <h1>Train a model on {dataset.name}</h1>
        <p role="alert" className="alert">
          {VIEWER_MESSAGE}
        </p>
        <Link to={`/datasets/${dataset.id}`}>Back to the dataset</Link>
      </section>
    );
  }
  return (
    <section>
      <p className="crumbs">
        <Link to={`/projects/${dataset.project?.id}`}>{dataset.project?.name}</Link> /{" "}
        <Link to={`/datasets/${dataset.id}`}>{dataset.name}</Link> / Train
      </p>
      <h1>Train a model on {dataset.name}</h1>
      {dataset.status !== "READY" ? (
        <p role="alert" className="alert">
          This dataset is {dataset.status.toLowerCase()}: it can be trained on once it is ready.
        </p>
      ) : (
        <TrainForm datasetId={dataset.id} engines={engines.data.engines} shape={datasetShape(dataset.tables, dataset.foreignKeys)} />
      )}
    </section>
  );
}

/** What an engine must learn to learn these tables (as the training service decides it). */
export function neededCapabilities(tables: readonly { sequence?: unknown }[]): EngineCapability[] {
  const needs: EngineCapability[] = [];
  if (tables.length > 1) needs.push("RELATIONAL");
  if (tables.some((t) => t.sequence)) needs.push("SEQUENTIAL");
  return needs.length > 0 ? needs : ["SINGLE_TABLE"];
}

/** What an engine must learn, and how many tables (in all, and in the longest parent → child chain). */
export type DatasetShape = { needs: EngineCapability[]; tables: number; depth: number };

const ONE_TABLE: DatasetShape = { needs: ["SINGLE_TABLE"], tables: 1, depth: 1 };

/** The dataset's shape from its tables and links (each table has at most one parent), as the training service measures it. */
export function datasetShape(
  tables: readonly { name: string; sequence?: unknown }[],
  links: readonly { parentTable: string; childTable: string }[],
): DatasetShape {
  const parent = new Map(links.map((l) => [l.childTable, l.parentTable]));
  const chain = (name: string): number => {
    let length = 1;
    for (let at = parent.get(name); at !== undefined && length <= tables.length; at = parent.get(at)) length += 1;
    return length;
  };
  return { needs: neededCapabilities(tables), tables: tables.length, depth: Math.max(1, ...tables.map((t) => chain(t.name))) };
}

const SHAPES: Partial<Record<EngineCapability, string>> = {
  SINGLE_TABLE: "one table",
  RELATIONAL: "several linked tables",
  SEQUENTIAL: "sequences",
};

/** What an engine learns, in words, and whether it trains with differential privacy. */
function learns(e: Engine): string {
  const shapes = e.capabilities.flatMap((c) => SHAPES[c] ?? []).join(", ");
  return e.capabilities.includes("DIFFERENTIAL_PRIVACY") ? `${shapes}; differential privacy` : shapes;
}

/** Why an engine cannot learn a dataset of this shape (the training service refuses it), or null when it can. */
export function whyNot(e: Engine, shape: DatasetShape): string | null {
  const missing = shape.needs.filter((need) => !e.capabilities.includes(need));
  if (missing.length > 0) return `it does not learn ${missing.map((need) => SHAPES[need]).join(" or ")}`;
  if (e.maxTables != null && shape.tables > e.maxTables) {
    return `it learns at most ${e.maxTables} tables, and this dataset has ${shape.tables}`;
  }
  if (e.maxDepth != null && shape.depth > e.maxDepth) {
    return `it learns at most ${e.maxDepth} tables in a parent → child chain, and this dataset links ${shape.depth}`;
  }
  return null;
}

/** The privacy budget as typed: empty (no DP) or a number in (0, 100]. */
function checkEpsilon(text: string, errors: Record<string, string>): number | null {
  if (text.trim() === "") return null;
  const value = Number(text);
  if (!Number.isFinite(value) || value <= 0 || value > 100) errors.epsilon = "Enter a number above 0 and at most 100.";
  return value;
}

/** The parameters the form offers: those the server lists for the engine (only what it takes:
 * no epochs or batch size for gaussian_copula), less seed and time budget, which have fields of
 * their own. */
function formParameters(engine: Engine): Engine["parameters"] {
  return engine.parameters.filter((p) => p.name !== "seed" && p.name !== "time_budget_seconds");
}

export function TrainForm({ datasetId, engines, shape = ONE_TABLE }: { datasetId: string; engines: Engine[]; shape?: DatasetShape }) {
  const navigate = useNavigate();
  const { needs } = shape;
  const capable = (e: Engine) => whyNot(e, shape) === null;
  const [engineName, setEngineName] = useState(engines.find(capable)?.name ?? "");
  const [name, setName] = useState("");
  const [budget, setBudget] = useState("");
  const [seed, setSeed] = useState("");
  const [epsilon, setEpsilon] = useState("");
  const [values, setValues] = useState<Record<string, string>>({});
  const [localErrors, setLocalErrors] = useState<Record<string, string>>({});
  const [result, train] = useMutation(TrainModelDocument);
  const engine = engines.find((e) => e.name === engineName);
  const apiError = result.error ? toApiError(result.error) : null;

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!engine) return;
    const errors: Record<string, string> = {};
    const parsed: Record<string, unknown> = {};
    for (const parameter of engine.parameters) {
      const { value, error } = parseParameter(parameter, values[parameter.name] ?? "");
      if (error) errors[parameter.name] = error;
      else if (value !== undefined) parsed[parameter.name] = value;
    }
    const budgetValue = budget.trim() === "" ? null : Number(budget);
    if (budgetValue !== null && (!Number.isInteger(budgetValue) || budgetValue <= 0)) {
      errors.time_budget_seconds = "Enter a whole number of seconds above 0.";
    }
    const seedValue = checkSeed(seed, errors);
    const dp = engine.capabilities.includes("DIFFERENTIAL_PRIVACY");
    const epsilonValue = dp ? checkEpsilon(epsilon, errors) : null;
    setLocalErrors(errors);
    if (Object.keys(errors).length > 0) return;
    const options = Object.fromEntries(Object.entries(parsed).filter(([key]) => !COMMON.has(key)));
    const done = await train({
      input: {
        datasetId,
        engine: engine.name,
        name,
        epochs: (parsed.epochs as number | undefined) ?? null,
        batchSize: (parsed.batch_size as number | undefined) ?? null,
        timeBudgetSeconds: budgetValue,
        seed: seedValue,
        options: Object.keys(options).length > 0 ? options : null,
        differentialPrivacy: epsilonValue === null ? null : { epsilon: epsilonValue },
      },
    });
    if (done.data) navigate(`/jobs/${done.data.trainModel.job.id}`);
  }

  const errorFor = (key: string, ...apiNames: string[]) =>
    localErrors[key] ?? fieldError(apiError, key, ...apiNames, `params.${key}`, `options.${key}`);
  const claimed = engine ? [...engine.parameters.map((p) => p.name), "time_budget_seconds", "seed", "name", "engine", "differential_privacy", "differential_privacy.epsilon"] : [];
  const unclaimed = apiError && !claimed.some((key) => fieldError(apiError, key, `params.${key}`, `options.${key}`));

  return (
    <form onSubmit={submit} noValidate>
      <fieldset>
        <legend>Engine</legend>
        {needs.some((need) => need !== "SINGLE_TABLE") ? (
          <p className="muted">This dataset holds {needs.map((need) => SHAPES[need]).join(" and ")}: only the engines that learn that can be chosen.</p>
        ) : null}
        {engines.map((e) => {
          const reason = whyNot(e, shape);
          return (
            <label key={e.name} className="engine-choice">
              <input
                type="radio"
                name="engine"
                value={e.name}
                checked={e.name === engineName}
                disabled={reason !== null}
                aria-describedby={reason === null ? undefined : `engine-${e.name}-why`}
                onChange={() => setEngineName(e.name)}
              />
              <span>
                <strong>{e.name}</strong> <span className="muted">({e.library}, license: {e.license}; learns {learns(e)})</span>
                <br />
                <small>{e.description}</small>
                {reason === null ? null : (
                  <>
                    <br />
                    <small id={`engine-${e.name}-why`} className="muted">
                      Not for this dataset: {reason}.
                    </small>
                  </>
                )}
              </span>
            </label>
          );
        })}
        {engines.some(capable) ? null : (
          <p role="alert" className="alert">
            No engine learns a dataset of this shape.
          </p>
        )}
      </fieldset>
      {engine?.license.toUpperCase().includes("BUSL") ? (
        <p className="note">
          {engine.name} comes from SDV under the Business Source License 1.1: free inside your organization, not for a
          commercial service offered to third parties.
        </p>
      ) : null}
      <Field label="Model name (optional)" error={errorFor("name")}>
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} />}
      </Field>
      <Field label="Time budget in seconds (optional)" error={errorFor("time_budget_seconds")} hint="Training stops before it would run over; the model trained so far is kept.">
        {(p) => <input {...p} inputMode="numeric" value={budget} onChange={(e) => setBudget(e.target.value)} />}
      </Field>
      <Field label="Seed (optional)" error={errorFor("seed")} hint="The same seed gives the same model and the same rows.">
        {(p) => <input {...p} inputMode="numeric" value={seed} onChange={(e) => setSeed(e.target.value)} />}
      </Field>
      {engine?.capabilities.includes("DIFFERENTIAL_PRIVACY") ? (
        <Field
          label="Privacy budget ε (optional)"
          error={errorFor("epsilon", "params.differential_privacy.epsilon", "params.differential_privacy")}
          hint="Trains with differential privacy (DP-SGD) and stops before spending more than ε (δ 1e-5). Smaller is more private and less faithful; 1 to 10 is usual. Empty: no differential privacy."
        >
          {(p) => <input {...p} inputMode="decimal" value={epsilon} onChange={(e) => setEpsilon(e.target.value)} />}
        </Field>
      ) : null}
      {engine && formParameters(engine).length > 0 ? (
        <fieldset>
          <legend>Parameters of {engine.name}</legend>
          {formParameters(engine)
            .map((parameter) => (
              <Field key={`${engine.name}-${parameter.name}`} label={parameter.name} error={errorFor(parameter.name)} hint={rangeHint(parameter)}>
                {(p) =>
                  parameter.type === "bool" ? (
                    <select {...p} value={values[parameter.name] ?? ""} onChange={(e) => setValues((v) => ({ ...v, [parameter.name]: e.target.value }))}>
                      <option value="">default ({String(parameter.default)})</option>
                      <option value="true">true</option>
                      <option value="false">false</option>
                    </select>
                  ) : (
                    <input
                      {...p}
                      placeholder={parameter.default === null || parameter.default === undefined ? "" : String(parameter.default)}
                      value={values[parameter.name] ?? ""}
                      onChange={(e) => setValues((v) => ({ ...v, [parameter.name]: e.target.value }))}
                    />
                  )
                }
              </Field>
            ))}
        </fieldset>
      ) : null}
      {unclaimed ? <Alert error={apiError} /> : null}
      <button type="submit" className="primary" disabled={result.fetching}>
        Train model
      </button>
    </form>
  );
}
