/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// The gateway serves dist/ at / (gateway/web.py). During `npm run dev`, API calls go to a
// gateway started by `make up` (GATEWAY_URL, default http://127.0.0.1:8000).
const gateway = process.env.GATEWAY_URL ?? "http://127.0.0.1:8000";

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: "dist",
    // Keeps Vite from inlining small assets as data: URLs (the CSP allows them for images
    // only) and from emitting inline scripts.
    assetsInlineLimit: 0,
    // dist/.vite/manifest.json: which files the first route loads (bench/bench_web.py).
    manifest: true,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: {
      "/graphql": { target: gateway, ws: true },
      "/session": gateway,
      "/upload": gateway,
      "/downloads": gateway,
      "/reports": gateway,
    },
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.tsx", "src/**/*.test.ts"],
    setupFiles: ["src/test/setup.ts"],
    css: false,
    // A shared 2-core machine: jsdom and user-event are slow there, never wrong.
    testTimeout: 30_000,
  },
});
