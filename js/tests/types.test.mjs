// `tsc --noEmit` over examples/usage.ts against the generated declarations (pkg/index.d.ts).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const JS = fileURLToPath(new URL("..", import.meta.url));

test("examples/usage.ts type-checks against the package's .d.ts (tsc --noEmit)", () => {
  const result = spawnSync(process.execPath, ["node_modules/typescript/bin/tsc", "--noEmit", "-p", "examples/tsconfig.json"], {
    cwd: JS,
    encoding: "utf8",
  });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
});
