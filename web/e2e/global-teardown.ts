import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { STATE_FILE } from "./global-setup";

/** Ctrl-C for the stack global-setup started: SIGINT to its process group, then its folder goes. */
export default async function globalTeardown(): Promise<void> {
  if (!existsSync(STATE_FILE)) return;
  const { pid, varDir } = JSON.parse(readFileSync(STATE_FILE, "utf-8")) as { pid: number; varDir: string };
  rmSync(STATE_FILE);
  try {
    process.kill(-pid, "SIGINT");
  } catch {
    return;
  }
  for (let i = 0; i < 120; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      break;
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  rmSync(path.dirname(varDir), { recursive: true, force: true });
}
