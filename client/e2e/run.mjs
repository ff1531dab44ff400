// End-to-end test of the dashboard against the real API.
//
// Starts the API (uvicorn, SQLite in a temporary folder) and the built dashboard (vite preview,
// proxying /api to that API) on free loopback ports, then drives Debian's Chromium through
// playwright-core. Prints "N passed, M failed" last and exits non-zero on any failure.
//
// Chromium: /usr/bin/chromium, or CHROMIUM_PATH. Without it the run is skipped (exit 0),
// unless CI=true, where a missing Chromium fails the run.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createWriteStream, existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const CLIENT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const SERVER_DIR = path.resolve(CLIENT_DIR, "../server");
const OUTPUT_DIR = path.join(CLIENT_DIR, "test-output");
const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const UVICORN = path.join(SERVER_DIR, ".venv/bin/uvicorn");
const VITE = path.join(CLIENT_DIR, "node_modules/vite/bin/vite.js");
const IN_CI = process.env.CI === "true" || process.env.CI === "1";

// The API allows 5 sync requests a minute here, so the rate-limit case reaches 429 quickly.
const SYNC_RATE_LIMIT = 5;
const RUN_TIMEOUT_MS = 6 * 60 * 1000;
const STEP_TIMEOUT_MS = 30_000;
// POST /api/benchmark/both returns when the run ends. A run of 10 requests per mode takes a few
// seconds, so this bound leaves room for a slow machine and the run's cleanup.
const BENCHMARK_TIMEOUT_MS = 90_000;

const CASE_NAMES = [
  "sync report completes and its CSV downloads",
  "async report goes from PENDING to COMPLETED and reaches the inbox",
  "inbox failing twice gives three attempts",
  "reused Idempotency-Key shows the replayed duplicate",
  "failed callback is redelivered from the detail panel",
  "delete removes the request",
  "rate-limited sync request shows the wait",
  "benchmark run shows progress, chart and figures",
  "controls are labelled and keyboard-reachable",
  "layout fits laptop and phone widths",
  "no console errors",
];

if (!existsSync(CHROMIUM)) {
  const message = `Chromium not found at ${CHROMIUM}; install it with \`apt-get install chromium\` to run the dashboard end-to-end tests.`;
  if (IN_CI) {
    console.error(`FAIL: ${message}`);
    console.log(`0 passed, ${CASE_NAMES.length} failed`);
    process.exit(1);
  }
  console.log(`SKIP: ${message}`);
  console.log(`0 passed, 0 failed, ${CASE_NAMES.length} skipped`);
  process.exit(0);
}

if (!existsSync(UVICORN)) {
  console.error(`FAIL: ${UVICORN} is missing; run \`make setup\` at the repository root first.`);
  console.log(`0 passed, ${CASE_NAMES.length} failed`);
  process.exit(1);
}

const { chromium } = await import("playwright-core");

/** Child processes this script started, stopped in `stopAll`. */
const children = [];

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function start(name, command, args, options, logFile) {
  const log = createWriteStream(logFile);
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.exited = new Promise((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
  child.label = name;
  child.logFile = logFile;
  children.push(child);
  return child;
}

async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) {
    return;
  }
  child.kill("SIGTERM");
  const timer = new Promise((resolve) => setTimeout(() => resolve("timeout"), 10_000));
  if ((await Promise.race([child.exited, timer])) === "timeout") {
    child.kill("SIGKILL");
    await child.exited;
  }
}

async function stopAll() {
  await Promise.all(children.map((child) => stop(child)));
}

async function run(name, command, args, options) {
  const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  const code = await new Promise((resolve) => child.once("exit", resolve));
  if (code !== 0) {
    throw new Error(`${name} failed with exit code ${code}:\n${output}`);
  }
}

/** Polls `url` until it returns 200, for at most `timeoutMs`. Fails early if `child` exits. */
async function waitForHttp(url, child, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  let lastError = "no response";
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${child.label} exited with code ${child.exitCode}; see ${child.logFile}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (response.ok) {
        return;
      }
      lastError = `HTTP ${response.status}`;
    } catch (error) {
      lastError = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not return 200 within ${timeoutMs} ms (${lastError}); see ${child.logFile}`);
}

async function tail(file, lines = 30) {
  try {
    return (await readFile(file, "utf8")).split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}

// ---------------------------------------------------------------- page helpers

async function fillForm(page, { mode, transactions, name, seed = "", delayMs = 0, failFirst = 0, failStatus = 503 }) {
  await page.getByRole("radio", { name: mode === "sync" ? "Sync" : "Async", exact: true }).check();
  await page.getByLabel("Number of transactions").fill(String(transactions));
  await page.getByLabel("Report name").fill(name);
  await page.getByLabel("Seed (optional)").fill(seed);
  await page.getByLabel("Simulated delay (ms)").fill(String(delayMs));
  if (mode === "async") {
    await page.getByLabel("Failure status").selectOption(String(failStatus));
    await page.getByLabel("Make the inbox fail the first N attempts").fill(String(failFirst));
  }
}

function submitButton(page) {
  return page.getByRole("button", { name: /^Send (sync|async) request$/ });
}

/** Submits the form and returns the API's response to the POST. */
async function submit(page, mode) {
  const [response] = await Promise.all([
    page.waitForResponse((item) => item.url().endsWith(`/api/${mode}`) && item.request().method() === "POST", {
      timeout: STEP_TIMEOUT_MS,
    }),
    submitButton(page).click(),
  ]);
  return response;
}

/** Polls `read` every 100 ms until it returns a truthy value, for at most `timeoutMs`. */
async function waitUntil(read, description, timeoutMs = STEP_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let last;
  while (Date.now() < deadline) {
    last = await read();
    if (last) {
      return last;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
}

async function submitAsync(page, fields) {
  await fillForm(page, { mode: "async", ...fields });
  const response = await submit(page, "async");
  assert.equal(response.status(), 202, `POST /api/async returned ${response.status()}: ${await response.text()}`);
  const panel = page.getByTestId("async-panel");
  const requestId = (await panel.getByTestId("async-request-id").textContent()).trim();
  return { panel, requestId };
}

// ---------------------------------------------------------------- cases

async function syncReportCompletes(page) {
  await fillForm(page, { mode: "sync", transactions: 120, name: "e2e sync", seed: "11", delayMs: 1500 });
  await submitButton(page).click();

  const panel = page.getByTestId("sync-panel");
  const elapsed = panel.getByTestId("sync-elapsed");
  await elapsed.waitFor({ timeout: 5000 });
  const firstCount = await elapsed.textContent();
  await page.waitForTimeout(600);
  await page.screenshot({ path: path.join(OUTPUT_DIR, "sync-waiting-laptop.png") });
  const laterCount = await elapsed.textContent().catch(() => null);
  if (laterCount !== null) {
    assert.notEqual(laterCount, firstCount, "the elapsed-time counter did not move while waiting");
  }

  await panel.getByTestId("sync-response-time").waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal((await panel.getByTestId("result-rows").textContent()).trim(), "120");
  const shownSha = (await panel.getByText(/^[0-9a-f]{64}$/).textContent()).trim();

  const [download] = await Promise.all([
    page.waitForEvent("download", { timeout: STEP_TIMEOUT_MS }),
    panel.getByRole("link", { name: /Download CSV/ }).click(),
  ]);
  const file = await download.path();
  const bytes = await readFile(file);
  const lines = bytes.toString("utf8").split(/\r?\n/).filter((line) => line !== "");
  assert.equal(lines.length - 1, 120, "CSV data rows (without the header)");
  assert.match(lines[0], /amount/i, "CSV header");
  assert.equal(createHash("sha256").update(bytes).digest("hex"), shownSha, "CSV sha256 matches the result");
}

async function asyncReportCompletes(page) {
  const { panel, requestId } = await submitAsync(page, { transactions: 200, name: "e2e async", delayMs: 1500 });
  const accepted = panel.getByTestId("async-accepted");
  assert.match(await accepted.textContent(), /PENDING.*HTTP 202 Accepted after \d+(\.\d+)? m?s/);

  const progress = panel.getByTestId("async-progress");
  const seen = new Set();
  await waitUntil(async () => {
    const text = (await progress.textContent().catch(() => "")) ?? "";
    const status = /Job status: (PENDING|PROCESSING|COMPLETED|FAILED)/.exec(text)?.[1];
    if (status) {
      seen.add(status);
    }
    return status === "COMPLETED" && /callback: SUCCESS/.test(text);
  }, "the job to complete and its callback to succeed");
  assert.ok(seen.has("PENDING") || seen.has("PROCESSING"), `saw only ${[...seen].join(", ")} before COMPLETED`);

  const message = page.locator(`[data-testid="inbox-message"][data-request-id="${requestId}"]`);
  await message.first().waitFor({ timeout: STEP_TIMEOUT_MS });
  assert.equal(await message.count(), 1);
  const text = await message.textContent();
  assert.match(text, /Signature valid/);
  assert.match(text, /responded 200/);
  assert.match(text, /event: COMPLETED/);
}

/** The request that the retry case made, shown in the detail panel of the final screenshots. */
let retriedRequestId = null;

async function openDetail(page, panel, requestId) {
  await panel.getByRole("button", { name: /^Show request .* in detail$/ }).click();
  const detail = page.getByTestId("detail-panel");
  await detail.getByTestId("detail-request-id").filter({ hasText: requestId }).waitFor({ timeout: 5000 });
  return detail;
}

async function inboxFailuresGiveThreeAttempts(page) {
  const { panel, requestId } = await submitAsync(page, {
    transactions: 50,
    name: "e2e retries",
    delayMs: 0,
    failFirst: 2,
  });
  await waitUntil(
    async () => /callback: SUCCESS/.test((await panel.getByTestId("async-progress").textContent().catch(() => "")) ?? ""),
    "the callback to succeed on the third attempt",
  );

  retriedRequestId = requestId;
  const detail = await openDetail(page, panel, requestId);
  const attempts = detail.getByTestId("callback-attempt");
  await waitUntil(async () => (await attempts.count()) === 3, "three attempts in the timeline");
  const texts = await attempts.allTextContents();
  assert.match(texts[0], /Attempt 1.*HTTP 503, failed/);
  assert.match(texts[1], /Attempt 2.*HTTP 503, failed/);
  assert.match(texts[2], /Attempt 3.*HTTP 200, delivered/);
  assert.match(texts[0], /Next attempt due at/);

  const received = page.locator(`[data-testid="inbox-message"][data-request-id="${requestId}"]`);
  await waitUntil(async () => (await received.count()) === 3, "three deliveries in the inbox");
  const statuses = (await received.allTextContents()).map((item) => /responded (\d{3})/.exec(item)?.[1]).sort();
  assert.deepEqual(statuses, ["200", "503", "503"]);

  await detail.screenshot({ path: path.join(OUTPUT_DIR, "callback-timeline-laptop.png") });
}

async function duplicateKeyShowsReplay(page) {
  const { panel, requestId } = await submitAsync(page, { transactions: 30, name: "e2e duplicate", seed: "7" });
  await page.getByRole("button", { name: "Reuse last key" }).click();
  const response = await submit(page, "async");
  assert.equal(response.status(), 200);
  assert.equal(response.headers()["idempotent-replayed"], "true");

  await panel.getByText("Replayed duplicate: no new report was made.").waitFor({ timeout: 5000 });
  assert.equal((await panel.getByTestId("duplicate-request-id").textContent()).trim(), requestId);
  assert.match(await panel.textContent(), /Idempotent-Replayed: true/);
}

async function failedCallbackRedelivers(page) {
  // The API does not retry a 400, so the first delivery fails the callback for good.
  const { panel, requestId } = await submitAsync(page, {
    transactions: 20,
    name: "e2e redeliver",
    failFirst: 1,
    failStatus: 400,
  });
  const progress = panel.getByTestId("async-progress");
  await waitUntil(
    async () => /callback: FAILED/.test((await progress.textContent().catch(() => "")) ?? ""),
    "the callback to fail",
  );

  const detail = await openDetail(page, panel, requestId);
  const attempts = detail.getByTestId("callback-attempt");
  await waitUntil(async () => (await attempts.count()) === 1, "one failed attempt in the timeline");
  assert.match(await attempts.first().textContent(), /HTTP 400, failed/);

  await detail.getByRole("button", { name: "Redeliver webhook" }).click();
  await detail.getByText(/Redelivery scheduled for/).waitFor({ timeout: 5000 });
  await waitUntil(async () => (await attempts.count()) === 2, "the manual attempt in the timeline");
  assert.match(await attempts.nth(1).textContent(), /Attempt 2.*manual.*HTTP 200, delivered/);
  await waitUntil(
    async () => /Callback status\s*SUCCESS/.test((await detail.textContent()) ?? ""),
    "the callback status to become SUCCESS",
  );
  assert.equal(await detail.getByRole("button", { name: "Redeliver webhook" }).count(), 0);
}

async function deleteRemovesRequest(page, { dashboardOrigin }) {
  const { panel, requestId } = await submitAsync(page, { transactions: 10, name: "e2e delete" });
  await waitUntil(
    async () => /Job status: COMPLETED/.test((await panel.getByTestId("async-progress").textContent().catch(() => "")) ?? ""),
    "the job to complete",
  );
  const detail = await openDetail(page, panel, requestId);
  await detail.getByRole("button", { name: "Delete request" }).click();
  await detail.getByRole("button", { name: "Confirm delete" }).click();

  await page.getByText("Select a request in the table or the inbox").waitFor({ timeout: 5000 });
  const row = page.locator(`tr[data-request-id="${requestId}"]`);
  await waitUntil(async () => (await row.count()) === 0, "the row to leave the table");
  const response = await fetch(`${dashboardOrigin}/api/requests/${requestId}`);
  assert.equal(response.status, 404);
}

async function rateLimitShowsWait(page) {
  await fillForm(page, { mode: "sync", transactions: 5, name: "e2e rate limit" });
  const panel = page.getByTestId("sync-panel");
  // The first case sent one sync request already. The bound leaves room for one window reset.
  const maxAttempts = 2 * SYNC_RATE_LIMIT + 1;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const response = await submit(page, "sync");
    if (response.status() === 429) {
      assert.match(response.headers()["retry-after"] ?? "", /^\d+$/, "429 carries Retry-After in seconds");
      const alert = panel.getByRole("alert");
      await alert.waitFor({ timeout: 5000 });
      assert.match(await alert.textContent(), /Rate limit reached: try again in \d+ s/);
      await page.screenshot({ path: path.join(OUTPUT_DIR, "rate-limit-laptop.png") });
      return;
    }
    assert.equal(response.status(), 200, `sync request ${attempt} returned ${response.status()}`);
    await submitButton(page).waitFor({ timeout: STEP_TIMEOUT_MS });
  }
  assert.fail(`no 429 after ${maxAttempts} sync requests with a limit of ${SYNC_RATE_LIMIT}/minute`);
}

async function benchmarkShowsFigures(page) {
  const panel = page.locator('section[aria-labelledby="benchmark-title"]');
  await panel.scrollIntoViewIfNeeded();
  await panel.getByLabel("Requests per mode").fill("10");
  await panel.getByLabel("Concurrency").fill("5");
  await panel.getByLabel("Transactions per report").fill("50");
  await panel.getByLabel("Simulated delay per report (ms)").fill("100");

  const responsePromise = page.waitForResponse(
    (item) => item.url().endsWith("/api/benchmark/both") && item.request().method() === "POST",
    { timeout: BENCHMARK_TIMEOUT_MS },
  );
  await panel.getByRole("button", { name: "Start benchmark" }).click();

  // The panel shows progress from the click until the POST returns, however short the run.
  const progress = panel.getByTestId("benchmark-progress");
  await progress.waitFor({ timeout: 5000 });
  assert.ok(await panel.getByRole("progressbar").isVisible(), "the progress bar is visible");
  assert.equal(await panel.getByRole("button", { name: "Benchmark running…" }).isDisabled(), true);
  // The list poll runs once a second, so a run that ends within a second may never show as RUNNING.
  const sawRunning = await progress
    .getByTestId("benchmark-elapsed")
    .waitFor({ timeout: 5000 })
    .then(() => true)
    .catch(() => false);
  if (sawRunning) {
    await panel.screenshot({ path: path.join(OUTPUT_DIR, "benchmark-progress-laptop.png") }).catch(() => undefined);
  } else {
    console.log("# the benchmark run ended before a poll saw it RUNNING, so no elapsed time was shown");
  }

  const response = await responsePromise;
  assert.equal(response.status(), 200, `POST /api/benchmark/both returned ${response.status()}: ${await response.text()}`);
  const run = await response.json();
  assert.equal(run.status, "COMPLETED");

  const result = panel.locator(`[data-testid="benchmark-result"][data-run-id="${run.id}"]`);
  await result.waitFor({ timeout: STEP_TIMEOUT_MS });
  await progress.waitFor({ state: "detached", timeout: STEP_TIMEOUT_MS });
  assert.equal((await result.getByTestId("figure-succeeded-sync").textContent()).trim(), "10");
  assert.equal((await result.getByTestId("figure-succeeded-async").textContent()).trim(), "10");
  assert.match(await result.getByTestId("figure-callbacks-async").textContent(), /^10 \(0 missing\)$/);
  assert.match(await result.getByTestId("figure-response-p95-sync").textContent(), /^\d+\.\d ms$/);

  // Recharts draws one bar per series and percentile: 3 series × 4 percentiles.
  const chart = result.getByTestId("benchmark-chart");
  await chart.locator(".recharts-bar-rectangle").nth(11).waitFor({ timeout: 5000 });
  assert.equal(await chart.locator(".recharts-bar-rectangle").count(), 12);

  const listed = panel.locator(`tr[data-run-id="${run.id}"]`);
  await listed.waitFor({ timeout: 5000 });
  assert.match(await listed.textContent(), /COMPLETED/);

  await panel.screenshot({ path: path.join(OUTPUT_DIR, "benchmark-laptop.png") });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(phoneOverflow <= 0, `the page is ${phoneOverflow} px wider than 390 px with the benchmark figures`);
  await panel.screenshot({ path: path.join(OUTPUT_DIR, "benchmark-phone.png") });
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function controlsAreAccessible(page) {
  const unlabelled = await page.locator("input, select, textarea, button, a[href]").evaluateAll((elements) =>
    elements
      .filter((element) => {
        const labelled =
          (element.labels && element.labels.length > 0) ||
          element.getAttribute("aria-label") ||
          element.getAttribute("aria-labelledby") ||
          ((element.tagName === "BUTTON" || element.tagName === "A") && element.textContent.trim() !== "");
        return !labelled;
      })
      .map((element) => element.outerHTML.slice(0, 120)),
  );
  assert.deepEqual(unlabelled, [], "every control has a label");

  // Tab through the page from the top and record what takes the focus.
  await page.evaluate(() => document.activeElement?.blur());
  await page.getByRole("heading", { name: "Financial Report Generator" }).click();
  const reached = new Set();
  for (let press = 0; press < 120; press += 1) {
    await page.keyboard.press("Tab");
    const name = await page.evaluate(() => {
      const element = document.activeElement;
      if (!element || element === document.body) {
        return null;
      }
      return element.getAttribute("aria-label") || element.labels?.[0]?.textContent?.trim() || element.textContent.trim();
    });
    if (name) {
      reached.add(name);
    }
  }
  // Tab stops on the checked radio of a group only, so either mode counts.
  const expectedStops = [
    /^(Sync|Async)$/,
    /^Number of transactions$/,
    /^Report name$/,
    /^Idempotency-Key$/,
    /^Reuse last key$/,
    /^Send (sync|async) request$/,
    /^Mode$/,
    /^Status$/,
    /^Per page$/,
    /^Show request /,
  ];
  for (const expected of expectedStops) {
    assert.ok(
      [...reached].some((name) => expected.test(name)),
      `Tab never reached a control named ${expected}; reached: ${[...reached].join(" | ")}`,
    );
  }
}

async function layoutFits(page) {
  await page.setViewportSize({ width: 1280, height: 800 });
  if (retriedRequestId) {
    await page.getByRole("button", { name: `Show request ${retriedRequestId}` }).first().click();
    await page.getByTestId("callback-attempt").nth(2).waitFor({ timeout: 5000 });
  }
  await page.evaluate(() => window.scrollTo(0, 0));
  const laptopOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(laptopOverflow <= 0, `the page is ${laptopOverflow} px wider than 1280 px`);
  await page.screenshot({ path: path.join(OUTPUT_DIR, "dashboard-laptop.png"), fullPage: true });

  await page.setViewportSize({ width: 390, height: 844 });
  await page.waitForTimeout(300);
  const phoneOverflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(phoneOverflow <= 0, `the page is ${phoneOverflow} px wider than 390 px`);
  await page.screenshot({ path: path.join(OUTPUT_DIR, "dashboard-phone.png"), fullPage: true });
  await page.screenshot({ path: path.join(OUTPUT_DIR, "dashboard-phone-top.png") });
  await page.setViewportSize({ width: 1280, height: 800 });
}

// ---------------------------------------------------------------- main

async function main() {
  // Screenshots of an earlier run, failures included, would mislead.
  await rm(OUTPUT_DIR, { recursive: true, force: true });
  await mkdir(OUTPUT_DIR, { recursive: true });
  const tmp = await mkdtemp(path.join(os.tmpdir(), "dashboard-e2e-"));
  const logs = [];
  let passed = 0;
  let failed = 0;
  try {
    ({ passed, failed } = await runCases(tmp, logs));
  } catch (error) {
    failed = CASE_NAMES.length - passed;
    console.error(`FAIL: setup: ${error.stack ?? error}`);
  } finally {
    if (failed > 0) {
      for (const file of logs) {
        console.log(`--- last lines of ${path.basename(file)}\n${await tail(file)}`);
      }
    }
    await stopAll();
    if (process.env.E2E_KEEP_TMP) {
      console.log(`kept ${tmp}`);
    } else {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  console.log(`screenshots in ${path.relative(process.cwd(), OUTPUT_DIR) || "."}/`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** Starts the API, the dashboard and Chromium, then runs every case and counts the results. */
async function runCases(tmp, logs) {
  const apiPort = await freePort();
  const dashboardPort = await freePort();
  const apiOrigin = `http://127.0.0.1:${apiPort}`;
  const dashboardOrigin = `http://127.0.0.1:${dashboardPort}`;

  const apiEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME ?? tmp,
    ENVIRONMENT: "test",
    LOG_LEVEL: "WARNING",
    DATABASE_URL: `sqlite+aiosqlite:///${path.join(tmp, "e2e.db")}`,
    REPORTS_DIR: path.join(tmp, "reports"),
    WEBHOOK_SECRET: "",
    WEBHOOK_SECRET_FILE: path.join(tmp, "secret"),
    CALLBACK_ALLOWED_HOSTS: `127.0.0.1:${apiPort}`,
    CALLBACK_BACKOFF_BASE_SECONDS: "0.2",
    CALLBACK_MAX_ATTEMPTS: "4",
    RATE_LIMIT_ENABLED: "true",
    RATE_LIMIT_SYNC: `${SYNC_RATE_LIMIT}/minute`,
    RATE_LIMIT_ASYNC: "100/minute",
    RATE_LIMIT_STORAGE_URI: "memory://",
  };
  const api = start(
    "API",
    UVICORN,
    ["src.app:app", "--host", "127.0.0.1", "--port", String(apiPort)],
    { cwd: SERVER_DIR, env: apiEnv },
    path.join(tmp, "api.log"),
  );
  logs.push(api.logFile);

  const distDir = path.join(tmp, "dist");
  await run("vite build", process.execPath, [VITE, "build", "--outDir", distDir, "--emptyOutDir", "--logLevel", "warn"], {
    cwd: CLIENT_DIR,
    env: { ...process.env, VITE_INBOX_URL: `${apiOrigin}/api/webhooks/inbox` },
  });
  const dashboard = start(
    "dashboard",
    process.execPath,
    [VITE, "preview", "--outDir", distDir, "--port", String(dashboardPort), "--strictPort", "--host", "127.0.0.1"],
    { cwd: CLIENT_DIR, env: { ...process.env, VITE_API_TARGET: apiOrigin } },
    path.join(tmp, "dashboard.log"),
  );
  logs.push(dashboard.logFile);

  await waitForHttp(`${apiOrigin}/api/health`, api);
  await waitForHttp(`${dashboardOrigin}/api/health`, dashboard);

  const context = await chromium.launchPersistentContext(path.join(tmp, "chromium-profile"), {
    executablePath: CHROMIUM,
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1280, height: 800 },
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
  try {
    return await runInBrowser(context, dashboardOrigin, apiOrigin);
  } finally {
    await context.close().catch(() => undefined);
  }
}

async function runInBrowser(context, dashboardOrigin, apiOrigin) {
  context.setDefaultTimeout(STEP_TIMEOUT_MS);

  const consoleErrors = [];
  let expectedNetworkErrors = 0;
  const page = context.pages()[0] ?? (await context.newPage());
  page.on("console", (message) => {
    if (message.type() !== "error") {
      return;
    }
    // Chromium logs every 4xx response as a console error. The 429 case expects one.
    if (/status of 429/.test(message.text()) && expectedNetworkErrors > 0) {
      expectedNetworkErrors -= 1;
      return;
    }
    consoleErrors.push(message.text());
  });
  page.on("pageerror", (error) => consoleErrors.push(`uncaught: ${error.message}`));

  await page.goto(dashboardOrigin);
  await page.getByRole("heading", { name: "Financial Report Generator" }).waitFor();
  await page.getByRole("radio", { name: "Async", exact: true }).check();
  assert.equal(await page.getByLabel("Callback URL").inputValue(), `${apiOrigin}/api/webhooks/inbox`);

  const cases = [
    syncReportCompletes,
    asyncReportCompletes,
    inboxFailuresGiveThreeAttempts,
    duplicateKeyShowsReplay,
    failedCallbackRedelivers,
    deleteRemovesRequest,
    async (currentPage) => {
      expectedNetworkErrors = 1;
      await rateLimitShowsWait(currentPage);
    },
    benchmarkShowsFigures,
    controlsAreAccessible,
    layoutFits,
    async () => assert.deepEqual(consoleErrors, [], "console errors"),
  ];

  let passed = 0;
  let failed = 0;
  for (const [index, testCase] of cases.entries()) {
    const name = CASE_NAMES[index];
    const started = Date.now();
    try {
      await testCase(page, { dashboardOrigin, apiOrigin });
      passed += 1;
      console.log(`ok ${index + 1} - ${name} (${Date.now() - started} ms)`);
    } catch (error) {
      failed += 1;
      console.log(`not ok ${index + 1} - ${name}\n  ${String(error.stack ?? error).replaceAll("\n", "\n  ")}`);
      await page
        .screenshot({ path: path.join(OUTPUT_DIR, `failure-${index + 1}.png`), fullPage: true })
        .catch(() => undefined);
    }
  }
  return { passed, failed };
}

const watchdog = setTimeout(async () => {
  console.error(`FAIL: the end-to-end run took longer than ${RUN_TIMEOUT_MS / 1000} s`);
  await stopAll();
  console.log(`0 passed, ${CASE_NAMES.length} failed`);
  process.exit(1);
}, RUN_TIMEOUT_MS);
watchdog.unref();

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.once(signal, async () => {
    await stopAll();
    process.exit(130);
  });
}

process.exitCode = await main();
