import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

export const REPO = path.resolve(import.meta.dirname, "..", "..");
export const STATE_FILE = path.join(tmpdir(), `synthetica-e2e-${process.ppid}.json`);
const PYTHON = process.env.PYTHON ?? path.join(REPO, ".venv", "bin", "python");
const PORTS = ["postgres", "nats", "nats_monitor", "gateway", "auth", "datasets", "training", "evaluation", "notify", "worker_health"];

/** Starts `python -m tools.devstack` (what `make up` runs) unless E2E_BASE_URL is given. */
export default async function globalSetup(): Promise<void> {
  if (process.env.E2E_BASE_URL) return;
  // Free ports outside Linux's ephemeral range, from the project's own helper.
  const picked = spawnSync(PYTHON, ["-c", `from tools.embedded import free_port; print(" ".join(str(free_port()) for _ in range(${PORTS.length})))`], {
    cwd: REPO,
    encoding: "utf-8",
  });
  if (picked.status !== 0) throw new Error(`could not pick ports: ${picked.stderr}`);
  const ports = picked.stdout.trim().split(" ");
  const varDir = path.join(mkdtempSync(path.join(tmpdir(), "synthetica-e2e-")), "var");
  // The admin test's account becomes an admin at registration (AUTH_ADMIN_EMAILS).
  const adminEmail = `e2e-admin-${process.pid}@example.com`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DEVSTACK_VAR_DIR: varDir,
    DEVSTACK_START_TIMEOUT_SECONDS: "240",
    AUTH_ADMIN_EMAILS: adminEmail,
    // Every spec signs up its own users from this one address: more than the 20 an hour a
    // real address may register (the limit's own tests are in tests/services/auth).
    AUTH_REGISTER_MAX_PER_CLIENT: "1000",
    // Cheap password hashes, as in the Python suite (the default cost is tested there).
    AUTH_PASSWORD_HASH_TIME_COST: "1",
    AUTH_PASSWORD_HASH_MEMORY_KIB: "64",
    AUTH_PASSWORD_HASH_PARALLELISM: "1",
  };
  PORTS.forEach((name, i) => (env[`DEVSTACK_${name.toUpperCase()}_PORT`] = ports[i]));
  const child = spawn(PYTHON, ["-m", "tools.devstack"], { cwd: REPO, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stack did not come up in 600 s:\n${log.slice(-4000)}`)), 600_000);
    const read = (chunk: Buffer) => {
      log += chunk.toString();
      const match = /GraphQL \(and GraphiQL\): (http:\/\/\S+)\/graphql/.exec(log);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    };
    child.stdout.on("data", read);
    child.stderr.on("data", (chunk: Buffer) => (log = (log + chunk.toString()).slice(-20_000)));
    child.on("exit", (code) => reject(new Error(`the stack exited with ${code}:\n${log.slice(-4000)}`)));
  });
  child.stdout.removeAllListeners("data");
  child.stdout.resume();
  child.stderr.resume();
  process.env.E2E_BASE_URL = url;
  process.env.E2E_ADMIN_EMAIL = adminEmail;
  writeFileSync(STATE_FILE, JSON.stringify({ pid: child.pid, varDir }));
}
