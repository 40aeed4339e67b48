// Where the report page's time goes: a Chromium performance trace (CDP, through playwright-core)
// of one load of a report page, summarised as self time per function (V8's sampling profiler)
// and the time and count of the browser's own work (layout, style, paint, script compile).
//   node bench/profile.mjs <base> <email> <password> <batchId> [trace.json]
//   node bench/profile.mjs --summary trace.json   (a trace saved before)
import { chromium } from "@playwright/test";
import { readFileSync, writeFileSync } from "node:fs";

const args = process.argv.slice(2);
let trace;
if (args[0] === "--summary") {
  trace = JSON.parse(readFileSync(args[1], "utf-8"));
} else {
  trace = await record(...args);
}

async function record(base, email, password, id, out) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  await page.goto(`${base}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Projects" }).waitFor({ timeout: 120_000 });
  // Once, unmeasured: the chunks are then in the HTTP cache, as for a person who has used the app.
  await page.goto(`${base}/batches/${id}/report`);
  await page.locator("body[data-report-charts]").waitFor({ state: "attached", timeout: 120_000 });
  await page.goto(`${base}/projects`);
  await page.getByRole("heading", { name: "Projects" }).waitFor();

  await browser.startTracing(page, {
    categories: [
      "devtools.timeline",
      "disabled-by-default-devtools.timeline",
      "v8.execute",
      "disabled-by-default-v8.cpu_profiler",
      "blink.user_timing",
    ],
  });
  await page.goto(`${base}/batches/${id}/report`);
  await page.locator("body[data-report-charts]").waitFor({ state: "attached", timeout: 120_000 });
  const trace = JSON.parse((await browser.stopTracing()).toString());
  if (out) writeFileSync(out, JSON.stringify(trace));
  await browser.close();

  return trace;
}

const events = trace.traceEvents ?? trace;
const marks = Object.fromEntries(
  events.filter((e) => e.cat?.includes("blink.user_timing") && e.name.startsWith("report:")).map((e) => [e.name, e.ts]),
);
// WINDOW=a,b (ms after report:data) narrows the summary to part of the load.
const [from, to] = process.env.WINDOW
  ? process.env.WINDOW.split(",").map((ms) => marks["report:data"] + Number(ms) * 1000)
  : [marks["report:data"], marks["report:charts-rendered"]];
const inWindow = (e) => from === undefined || (e.ts >= from && e.ts <= (to ?? Infinity));

// Browser work by kind, between the data's arrival and the last chart drawn.
const kinds = new Map();
for (const e of events) {
  if (e.ph !== "X" || !inWindow(e)) continue;
  if (!["Layout", "UpdateLayoutTree", "Paint", "RecalculateStyles", "FunctionCall", "EvaluateScript", "v8.compile", "GPUTask", "FireAnimationFrame", "TimerFire", "ParseHTML"].includes(e.name)) continue;
  const k = kinds.get(e.name) ?? { ms: 0, count: 0 };
  k.ms += (e.dur ?? 0) / 1000;
  k.count += 1;
  kinds.set(e.name, k);
}

// Self time per function from the sampling profiler's chunks.
const nodes = new Map();
const self = new Map();
const total = new Map();
// CALLERS=name: where the time of a function comes from (its callers, four frames up).
const callers = new Map();
// Sample times: each profile's start, plus its chunks' deltas, chunk after chunk.
const clock = new Map(events.filter((e) => e.name === "Profile").map((e) => [`${e.pid}:${e.id}`, e.args.data.startTime]));
for (const e of events) {
  if (e.name !== "ProfileChunk") continue;
  const profile = `${e.pid}:${e.id}`;
  const data = e.args?.data?.cpuProfile;
  for (const n of data?.nodes ?? []) nodes.set(`${profile}:${n.id}`, { ...n, parent: n.parent === undefined ? undefined : `${profile}:${n.parent}` });
  const samples = data?.samples ?? [];
  const deltas = e.args.data.timeDeltas ?? [];
  let t = clock.get(profile) ?? e.ts;
  samples.forEach((s, i) => {
    t += deltas[i] ?? 0;
    if (from !== undefined && (t < from || t > (to ?? Infinity))) return;
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const seen = new Set();
    for (let n = nodes.get(`${profile}:${s}`), first = true; n; n = nodes.get(n.parent), first = false) {
      const key = name(n.callFrame ?? {});
      if (first) self.set(key, (self.get(key) ?? 0) + ms);
      if (!seen.has(key)) total.set(key, (total.get(key) ?? 0) + ms);
      if (process.env.CALLERS && !seen.has(key) && (n.callFrame?.functionName ?? "").split(".").pop() === process.env.CALLERS) {
        const chain = [];
        for (let p = nodes.get(n.parent); p && chain.length < 4; p = nodes.get(p.parent)) chain.push(name(p.callFrame ?? {}));
        const k = chain.join(" < ");
        callers.set(k, (callers.get(k) ?? 0) + ms);
      }
      seen.add(key);
    }
  });
  clock.set(profile, t);
}
function name(f) {
  return `${f.functionName || "(anonymous)"} ${(f.url ?? "").split("/").pop()}:${f.lineNumber ?? ""}`;
}
const top = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 25);
console.log(`data -> charts rendered: ${to && from ? ((to - from) / 1000).toFixed(0) : "?"} ms`);
console.log("browser work in that window:");
for (const [name, k] of [...kinds.entries()].sort((a, b) => b[1].ms - a[1].ms)) console.log(`  ${name.padEnd(20)} ${k.ms.toFixed(0).padStart(6)} ms  x${k.count}`);
console.log("self time by function (sampled):");
for (const [key, ms] of top) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
console.log("total time by function, callees included (sampled):");
for (const [key, ms] of [...total.entries()].sort((a, b) => b[1] - a[1]).slice(0, Number(process.env.TOP ?? 40))) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
if (process.env.CALLERS) {
  console.log(`callers of ${process.env.CALLERS}:`);
  for (const [key, ms] of [...callers.entries()].sort((a, b) => b[1] - a[1]).slice(0, 10)) console.log(`  ${ms.toFixed(0).padStart(6)} ms  ${key}`);
}
