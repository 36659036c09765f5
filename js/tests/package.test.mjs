// The published package as users get it: `npm pack` in pkg/, the tarball unpacked into a fresh
// directory, then `import init, { … } from "salamander"` in Node 20 and in headless Chromium
// (Debian's /usr/bin/chromium through playwright-core) served by a static HTTP server on
// 127.0.0.1. Both run a full Olm + Megolm exchange.
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";

import { chromium } from "playwright-core";

const PKG = fileURLToPath(new URL("../pkg/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";

// The exchange, as a user would write it; run in Node and in the browser. It returns a summary
// that both tests compare with the expected one.
const EXCHANGE = `
import init, { Account, OlmMessage, GroupSession, InboundGroupSession, DecryptionError } from "salamander";

export async function exchange() {
  await init();
  const decode = (bytes) => new TextDecoder().decode(bytes);
  const alice = new Account();
  const bob = new Account();
  bob.generateOneTimeKeys(1);
  const [oneTimeKey] = Object.values(bob.oneTimeKeys);
  bob.markKeysAsPublished();

  const aliceSession = alice.createOutboundSession(bob.identityKeys.curve25519, oneTimeKey);
  const first = aliceSession.encrypt("Hi Bob");
  const { session: bobSession, plaintext } = bob.createInboundSession(
    alice.identityKeys.curve25519, new OlmMessage(first.messageType, first.body));
  const log = [first.messageType, decode(plaintext)];
  for (let turn = 0; turn < 3; turn++) {
    const reply = bobSession.encrypt("turn " + turn);
    log.push(reply.messageType, decode(aliceSession.decrypt(reply)));
    log.push(decode(bobSession.decrypt(aliceSession.encrypt("ack " + turn))));
  }

  // Megolm: Alice shares her room key with Bob over Olm.
  const outbound = new GroupSession();
  const keyMessage = aliceSession.encrypt(JSON.stringify({ session_key: outbound.sessionKey() }));
  const { session_key } = JSON.parse(decode(bobSession.decrypt(keyMessage)));
  const inbound = new InboundGroupSession(session_key);
  const ciphertexts = ["one", "two", "three"].map((m) => outbound.encrypt(m));
  for (const c of ciphertexts.reverse()) {
    const { plaintext, messageIndex } = inbound.decrypt(c);
    log.push(messageIndex + ":" + decode(plaintext));
  }
  let error;
  try {
    bobSession.decrypt(first); // a replay: its key is used up
  } catch (e) {
    error = [e instanceof DecryptionError, e.name, e.kind].join(" ");
  }
  log.push(error, aliceSession.sessionId === bobSession.sessionId, inbound.sessionId === outbound.sessionId);
  for (const o of [alice, bob, aliceSession, bobSession, outbound, inbound]) o.free();
  return log;
}
`;
const EXPECTED = [
  0, "Hi Bob",
  1, "turn 0", "ack 0",
  1, "turn 1", "ack 1",
  1, "turn 2", "ack 2",
  "2:three", "1:two", "0:one",
  "true DecryptionError MissingMessageKey", true, true,
];

let dir;
before(() => {
  dir = mkdtempSync(join(tmpdir(), "salamander-package-"));
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** `npm pack` pkg/ and unpack it as `<site>/node_modules/salamander`; returns the file list. */
function packAndUnpack(site) {
  const output = execFileSync("npm", ["pack", "--json", "--pack-destination", dir], { cwd: PKG, encoding: "utf8" });
  const [{ filename, files }] = JSON.parse(output);
  const target = join(site, "node_modules", "salamander");
  mkdirSync(target, { recursive: true });
  execFileSync("tar", ["-xzf", join(dir, filename), "-C", target, "--strip-components=1"]);
  return files.map((f) => f.path).sort();
}

describe("the npm package", () => {
  let files;
  let site;
  before(() => {
    site = join(dir, "site");
    files = packAndUnpack(site);
    writeFileSync(join(site, "exchange.mjs"), EXCHANGE);
  });

  test("npm pack makes a clean tarball", () => {
    const snippet = files.find((f) => f.startsWith("snippets/"));
    assert.match(snippet, /^snippets\/salamander-js-[0-9a-f]+\/src\/errors\.js$/);
    assert.deepEqual(
      files.filter((f) => f !== snippet),
      ["README.md", "index.d.ts", "index.js", "node.js", "package.json", "salamander.d.ts", "salamander.js", "salamander_bg.wasm"],
    );
    const pkg = JSON.parse(readFileSync(join(site, "node_modules/salamander/package.json"), "utf8"));
    assert.equal(pkg.name, "salamander");
    assert.equal(pkg.type, "module");
    assert.equal(pkg.types, "./index.d.ts");
    assert.deepEqual(Object.keys(pkg.exports["."]), ["types", "node", "default"]);
  });

  test("Node 20: import from \"salamander\", init() reads the .wasm", () => {
    writeFileSync(join(site, "node-main.mjs"), `import { exchange } from "./exchange.mjs";\nconsole.log(JSON.stringify(await exchange()));\n`);
    const result = spawnSync(process.execPath, ["node-main.mjs"], { cwd: site, encoding: "utf8" });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), EXPECTED);
  });

  test("headless Chromium: import from \"salamander\", init() fetches the .wasm", { skip: !existsSync(CHROMIUM) && `no ${CHROMIUM}` }, async () => {
    writeFileSync(
      join(site, "index.html"),
      `<!doctype html>
<meta charset="utf-8">
<link rel="icon" href="data:,">
<script type="importmap">{ "imports": { "salamander": "/node_modules/salamander/index.js" } }</script>
<script type="module">
  import { exchange } from "/exchange.mjs";
  exchange().then((log) => { window.result = { log }; }, (e) => { window.result = { error: String(e && e.stack || e) }; });
</script>
`,
    );
    const types = { ".html": "text/html", ".js": "text/javascript", ".mjs": "text/javascript", ".wasm": "application/wasm", ".json": "application/json" };
    const requests = [];
    const server = createServer((req, res) => {
      const path = normalize(decodeURIComponent(new URL(req.url, "http://x").pathname)).replace(/^(\.\.[/\\])+/, "");
      const file = join(site, path === "/" ? "index.html" : path);
      requests.push(path);
      if (!file.startsWith(site) || !existsSync(file)) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": types[extname(file)] ?? "application/octet-stream" }).end(readFileSync(file));
    });
    await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address();
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const page = await browser.newPage();
      const consoleErrors = [];
      page.on("console", (message) => message.type() === "error" && consoleErrors.push(message.text()));
      page.on("pageerror", (error) => consoleErrors.push(String(error)));
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(() => window.result !== undefined, null, { timeout: 30000 });
      const result = await page.evaluate(() => window.result);
      assert.equal(result.error, undefined, result.error);
      assert.deepEqual(result.log, EXPECTED);
      assert.deepEqual(consoleErrors, []);
      assert.ok(requests.includes("/node_modules/salamander/salamander_bg.wasm"), "the module fetched the .wasm next to it");
      assert.ok(await page.evaluate(() => typeof WebAssembly === "object" && navigator.userAgent.includes("Chrome")));
    } finally {
      await browser.close();
      server.close();
    }
  });
});
