// Drives the dashboard (GET /) of a running daemon in headless Chromium:
//   node dashboard_e2e.mjs --url http://127.0.0.1:PORT --token TOKEN \
//        --screenshot out.png --expect-missing N [--chromium /usr/bin/chromium]
// Checks that every number the page shows for each chain equals what GET
// /status says, runs a recovery dry run from its button with the admin
// token, checks the result shown (N missing ids, the same ids as the API
// gives), and saves a screenshot. Prints one line per check; exits 1 on the
// first mismatch with what differed, 2 on bad arguments.
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";

const require = createRequire(import.meta.url);
// playwright-core lives in the repository's node_modules (package.json).
const { chromium } = require(path.resolve(path.dirname(new URL(import.meta.url).pathname), "../../node_modules/playwright-core"));

function parseArgs(argv) {
  const args = { chromium: "/usr/bin/chromium" };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, "");
    if (i + 1 >= argv.length) throw new Error(`--${key} needs a value`);
    args[key.replace(/-/g, "_")] = argv[i + 1];
  }
  for (const required of ["url", "token", "screenshot", "expect_missing"]) {
    if (!args[required]) throw new Error(`--${required.replace(/_/g, "-")} is required`);
  }
  return args;
}

class Mismatch extends Error {}

function check(condition, message) {
  if (!condition) throw new Mismatch(message);
  console.log(`ok: ${message}`);
}

async function getStatus(url) {
  const response = await fetch(`${url}/status`);
  if (!response.ok) throw new Error(`/status answered ${response.status}`);
  return response.json();
}

// What the page shows in the chains table, as { chain: { field: text } }.
async function shownChains(page) {
  return page.$$eval("#chains tr[data-chain]", (rows) =>
    Object.fromEntries(rows.map((row) => [row.dataset.chain,
      Object.fromEntries([...row.querySelectorAll("td[data-field]")].map((td) => [td.dataset.field, td.textContent]))])));
}

function expectedChains(status) {
  const text = (v) => (v === null || v === undefined ? "–" : String(v));
  return Object.fromEntries(status.chains.map((c) => [c.name, {
    chain_id: text(c.chain_id),
    state: text(c.state),
    head: text(c.head),
    last_processed: text(c.last_processed),
    blocks_behind: text(c.blocks_behind),
    listener_mode: text(c.listener && c.listener.mode),
    reconnects: text(c.listener && c.listener.reconnects),
    events_ingested: text(c.events_ingested),
  }]));
}

function differences(shown, expected) {
  const out = [];
  for (const [chain, fields] of Object.entries(expected)) {
    if (!shown[chain]) { out.push(`chain ${chain} is not shown`); continue; }
    for (const [field, value] of Object.entries(fields)) {
      if (shown[chain][field] !== value) out.push(`${chain}.${field}: page shows "${shown[chain][field]}", /status says "${value}"`);
    }
  }
  for (const chain of Object.keys(shown)) if (!expected[chain]) out.push(`page shows chain ${chain} that /status does not have`);
  return out;
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const browser = await chromium.launch({
    executablePath: args.chromium,
    headless: true,
    // --no-sandbox: Chromium's sandbox refuses to run as root (CI, containers).
    // The rest keep it from reaching the internet on its own.
    args: ["--no-sandbox", "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--disable-default-apps", "--disable-extensions", "--no-first-run", "--disable-domain-reliability",
           "--metrics-recording-only", "--disable-breakpad"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 1100 } });
    const external = [];
    page.on("request", (r) => { if (!r.url().startsWith(args.url)) external.push(r.url()); });
    const consoleErrors = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));

    const response = await page.goto(`${args.url}/`);
    check(response.status() === 200, "GET / answers 200");
    check(response.headers()["content-type"].startsWith("text/html"), "GET / is HTML");
    await page.waitForSelector("body[data-loaded=true]", { timeout: 15000 });

    // The page refreshes every few seconds: give it one refresh to catch up
    // with /status, then the numbers must be equal.
    let diff = [];
    let status = null;
    for (let attempt = 0; attempt < 3; attempt++) {
      status = await getStatus(args.url);
      diff = differences(await shownChains(page), expectedChains(status));
      if (diff.length === 0) break;
      await page.waitForTimeout(3500);
    }
    check(diff.length === 0, `chain numbers equal /status's (${status.chains.length} chains)` +
          (diff.length ? `: ${diff.join("; ")}` : ""));
    check(status.chains.length > 0, "at least one chain is shown");
    check((await page.textContent("#version")) === String(status.version), `version ${status.version} shown`);
    // Tokens by status, as /status reports them.
    const counts = status.tokens_by_status;
    check(counts && typeof counts === "object" && counts.detected > 0,
          `/status counts tokens by status: ${JSON.stringify(counts)}`);
    const shown = await page.$$eval("#tokens tr[data-status]", (rows) =>
      Object.fromEntries(rows.map((r) => [r.dataset.status, r.querySelector("td").textContent])));
    const want = Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, String(v)]));
    check(JSON.stringify(shown) === JSON.stringify(want),
          `tokens by status equal /status's: ${JSON.stringify(want)} (page: ${JSON.stringify(shown)})`);
    // The chart needs two samples for a rate; it must show one within a few refreshes.
    await page.waitForFunction(() => /^\d/.test(document.querySelector("#rate-now").textContent), null,
                               { timeout: 15000 });
    check(/^\d+\.\d$/.test(await page.textContent("#rate-now")), `events/s shown: ${await page.textContent("#rate-now")}`);

    // Recovery dry run from its button, with the token typed in.
    await page.fill("#admin-token", args.token);
    await page.click("#btn-recover-dry");
    await page.waitForFunction(() => /Dry run|failed/.test(document.querySelector("#action-summary").textContent),
                               null, { timeout: 60000 });
    const summary = await page.textContent("#action-summary");
    const missing = Number(args.expect_missing);
    check(summary.startsWith(`Dry run: would recover ${missing} missing tokens`),
          `dry-run result shown: "${summary}"`);
    const shownResult = JSON.parse(await page.textContent("#action-result"));
    const apiResult = await (await fetch(`${args.url}/admin/recover`, {
      method: "POST", headers: { Authorization: `Bearer ${args.token}` }, body: JSON.stringify({ dry_run: true }),
    })).json();
    check(JSON.stringify(shownResult.first_missing) === JSON.stringify(apiResult.first_missing),
          `ids shown equal the API's: ${JSON.stringify(apiResult.first_missing)}`);
    check(summary.includes(`[${apiResult.first_missing.join(", ")}]`), "summary lists the missing ids");
    check(await page.isEnabled("#btn-recover"), "the real recovery is offered after the dry run");
    check((await page.evaluate(() => sessionStorage.getItem("tokensync.admin_token"))) === args.token,
          "the token is kept in sessionStorage");
    const history = await page.textContent("#recoveries");
    check(history.includes(`dry run: ${missing} missing`), "the dry run is listed under recoveries");
    // /status reports the admin run as the last recovery, and the page shows it.
    const last = (await getStatus(args.url)).recovery.last_result;
    check(last && last.trigger === "admin" && last.result.dry_run === true && last.result.missing === missing,
          `/status's last recovery is the dry run: ${JSON.stringify(last)}`);
    // (The page refreshes every few seconds; an earlier run may still show.)
    const lastShown = await page.waitForFunction((n) => {
      const text = document.querySelector("#last-recovery").textContent;
      return text.startsWith("admin (dry run)") && text.includes(`missing ${n},`) ? text : false;
    }, missing, { timeout: 15000 }).then((h) => h.jsonValue(), () => page.textContent("#last-recovery"));
    check(lastShown.startsWith("admin (dry run)") && lastShown.includes(`missing ${missing},`),
          `the page shows the last recovery: "${lastShown}"`);

    await page.screenshot({ path: args.screenshot, fullPage: true });
    console.log(`screenshot: ${args.screenshot}`);
    check(external.length === 0, `no request left the daemon (${external.join(", ") || "none"})`);
    check(consoleErrors.length === 0, `no script errors (${consoleErrors.join(" | ") || "none"})`);
  } finally {
    await browser.close();
  }
}

main().then(() => process.exit(0), (e) => {
  console.error(e instanceof Mismatch ? `MISMATCH: ${e.message}` : `ERROR: ${e.stack || e}`);
  process.exit(e instanceof Mismatch ? 1 : 2);
});
