// Browser side of bench/bench_web.py: drives Debian's Chromium with playwright-core and reads
// the performance marks the dashboard sets (report:data, report:charts-rendered, job-update:*).
//   node bench/measure.mjs report <base> <email> <password> <batchId> <runs>
//   node bench/measure.mjs live <base> <email> <password> <jobId>   (prints READY, waits for a line on stdin)
import { chromium } from "@playwright/test";
import readline from "node:readline";

const [mode, base, email, password, id, runs = "5"] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const problems = [];
page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
page.on("pageerror", (e) => problems.push(e.message));

async function signIn() {
  await page.goto(`${base}/signin`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByRole("heading", { name: "Projects" }).waitFor({ timeout: 120_000 });
}

// The renderer's main-thread CPU time in tasks (CDP Performance.getMetrics "TaskDuration" in the
// "threadTicks" time domain), from the document's start (the metrics restart with each
// navigation): what a page costs the CPU, nearly independent of the other processes competing
// for the cores, unlike the wall-clock marks on a loaded machine.
const cdp = await page.context().newCDPSession(page);
await cdp.send("Performance.enable", { timeDomain: "threadTicks" });
// CPU_THROTTLE=4: Chromium runs its main thread 4 times slower, a stand-in for a machine busier
// than this one is at the moment (to reproduce what only shows under load; off by default).
if (process.env.CPU_THROTTLE) await cdp.send("Emulation.setCPUThrottlingRate", { rate: Number(process.env.CPU_THROTTLE) });
const busy = async () =>
  (await cdp.send("Performance.getMetrics")).metrics.find((m) => m.name === "TaskDuration").value * 1000;

const mark = (name) =>
  page.evaluate((n) => performance.getEntriesByName(n)[0]?.startTime ?? null, name);

await signIn();
if (mode === "report") {
  const results = [];
  for (let i = 0; i < Number(runs); i++) {
    // Baseline in the same browser and run: the projects list (a light page with one query),
    // from navigation start until it shows.
    await page.goto(`${base}/projects`);
    await page.getByRole("link", { name: "bench" }).waitFor();
    const baseline = await page.evaluate(() => performance.now());
    const projectsBusyMs = await busy();
    await page.goto(`${base}/batches/${id}/report`);
    try {
      await page.locator("body[data-report-charts]").waitFor({ state: "attached", timeout: 120_000 });
    } catch (error) {
      await page.screenshot({ path: "test-results/bench-report-failure.png", fullPage: true });
      const drawn = await page.getByRole("img").count();
      throw new Error(`the report's charts did not all render (${drawn} charts on the page): ${problems.join(" | ")}`, { cause: error });
    }
    const reportBusyMs = await busy();
    const charts = Number(await page.locator("body").getAttribute("data-report-charts"));
    const data = await mark("report:data");
    const rendered = await mark("report:charts-rendered");
    results.push({
      charts,
      dataMs: data,
      renderedMs: rendered,
      chartsAfterDataMs: rendered - data,
      projectsShownMs: baseline,
      reportBusyMs,
      projectsBusyMs,
    });
  }
  // REPORT_SCREENSHOT=<file>: the whole report page as the last load left it, to look at.
  if (process.env.REPORT_SCREENSHOT) await page.screenshot({ path: process.env.REPORT_SCREENSHOT, fullPage: true });
  process.stdout.write(JSON.stringify(results) + "\n");
} else if (mode === "live") {
  // When each update reached the browser (the websocket frame, as Chromium reports it to this
  // process): splits the latency into the server's part (publication -> frame) and the page's
  // (frame -> committed).
  const frames = {};
  page.on("websocket", (socket) =>
    socket.on("framereceived", ({ payload }) => {
      const percent = JSON.parse(String(payload))?.payload?.data?.jobUpdates?.percent;
      if (percent !== undefined) frames[String(percent)] ??= Date.now();
    }),
  );
  await page.goto(`${base}/jobs/${id}`);
  await page.getByRole("progressbar", { name: "Job progress" }).waitFor();
  // The subscription is open once its first state (the job as it is) has been shown.
  await page.waitForFunction(() => performance.getEntriesByType("mark").some((m) => m.name.startsWith("job-update:")), null, { timeout: 60_000 });
  // ...and the page has finished loading its code (the charts chunk it fetches up front): the
  // updates are measured on an open page, not on one still being loaded.
  await page.waitForLoadState("networkidle");
  // ...and the (empty) loss chart a training job's page draws as it opens is on screen.
  await page.locator('[role="img"][aria-label^="Loss per epoch"][data-drawn]').waitFor({ timeout: 60_000 });
  process.stdout.write("READY\n");
  const input = readline.createInterface({ input: process.stdin });
  for await (const _line of input) break;
  const marks = await page.evaluate(() =>
    performance
      .getEntriesByType("mark")
      .filter((m) => m.name.startsWith("job-update:"))
      .map((m) => ({ name: m.name, wallMs: performance.timeOrigin + m.startTime })),
  );
  // SCREENSHOT=file.png: the page as the updates left it (its loss curve among others).
  if (process.env.SCREENSHOT) await page.screenshot({ path: process.env.SCREENSHOT, fullPage: true });
  process.stdout.write(JSON.stringify({ marks, frames }) + "\n");
}
await browser.close();
// stdin (the live mode's signal) would keep Node running.
process.exit(0);
