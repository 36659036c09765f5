// Writes the hand-made part of the npm package next to wasm-bindgen's output: the entry points
// (index.js for browsers and bundlers, node.js for Node), their types and package.json.
// Usage: node scripts/package.mjs OUT_DIR SNIPPET_PATH VERSION
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

const [out, errorsJs, version] = process.argv.slice(2);
if (!out || !errorsJs || !version) {
  console.error("usage: package.mjs OUT_DIR snippets/…/errors.js VERSION");
  process.exit(2);
}

const errorClasses = [
  "SalamanderError",
  "DecodeError",
  "DecryptionError",
  "EncryptionError",
  "SessionCreationError",
  "PickleError",
  "LibolmPickleError",
  "DehydratedDeviceError",
  "KeyError",
  "SignatureError",
];
// The DMLS build (cargo feature `dmls`) has a second snippet next to errors.js with its errors.
const dmlsErrorsJs = join(dirname(errorsJs), "dmls-errors.js");
const dmls = existsSync(join(out, dmlsErrorsJs));
const dmlsErrorClasses = dmls
  ? ["DmlsError", "DmlsDecodeError", "DmlsForkError", "DmlsMembershipError", "DmlsMessageError", "DmlsProtocolError"]
  : [];
const reexports = `export * from "./salamander.js";
export { ${errorClasses.join(", ")} } from "./${errorsJs}";${
  dmls ? `\nexport { ${dmlsErrorClasses.join(", ")} } from "./${dmlsErrorsJs}";` : ""
}`;

writeFileSync(
  join(out, "index.js"),
  `// salamander: Olm and Megolm in WebAssembly. Entry point for browsers and bundlers.
import initWasm from "./salamander.js";
${reexports}

let ready;

/**
 * Load and instantiate the WebAssembly module. Call it once (further calls are no-ops) and wait
 * for it before using anything else. Without an argument it fetches \`salamander_bg.wasm\` next to
 * this module; pass a URL, a Response, bytes or a WebAssembly.Module to load it another way.
 */
export default function init(input) {
  if (input !== undefined) return initWasm({ module_or_path: input }).then(() => undefined);
  ready ??= initWasm().then(() => undefined);
  return ready;
}
`,
);

writeFileSync(
  join(out, "node.js"),
  `// salamander: Olm and Megolm in WebAssembly. Entry point for Node (reads the .wasm file).
import { readFile } from "node:fs/promises";
import initWasm from "./salamander.js";
${reexports}

let ready;

/**
 * Load and instantiate the WebAssembly module. Call it once (further calls are no-ops) and wait
 * for it before using anything else. Without an argument it reads \`salamander_bg.wasm\` next to
 * this module.
 */
export default function init(input) {
  if (input !== undefined) return initWasm({ module_or_path: input }).then(() => undefined);
  ready ??= readFile(new URL("./salamander_bg.wasm", import.meta.url)).then((bytes) =>
    initWasm({ module_or_path: bytes }).then(() => undefined),
  );
  return ready;
}
`,
);

const errorDocs = {
  SalamanderError: "The base class of every error salamander throws.",
  DecodeError: "A message or session key could not be decoded.",
  DecryptionError: "A message could not be decrypted; the session is unchanged.",
  EncryptionError: "A message could not be encrypted; the session is unchanged.",
  SessionCreationError: "An Olm session could not be created.",
  PickleError: "A pickle could not be read: wrong key, damaged, or not a pickle of this type.",
  LibolmPickleError: "A libolm pickle could not be read or written.",
  DehydratedDeviceError: "A dehydrated device could not be made or restored.",
  KeyError: "A key is invalid: bad base64, wrong length, not a curve point, or of small order.",
  SignatureError: "An Ed25519 signature could not be decoded or did not verify.",
  DmlsError: "The base class of the DMLS errors (thrown itself only for an error this version does not know).",
  DmlsDecodeError: "An envelope, Welcome or KeyPackage could not be decoded.",
  DmlsForkError: "The message names a fork that is unknown or was evicted, or the queue for unknown forks is full.",
  DmlsMembershipError: "This member is not in the group, a member to remove is not in it, or a Welcome is not for this identity.",
  DmlsMessageError: "A message was refused: replayed, sent by this member, for another group, or of a kind DMLS does not use.",
  DmlsProtocolError: "The MLS layer refused a commit or message (bad signature or MAC, missing or reused DMLS PSK, ...).",
};
const errorTypes = errorClasses
  .map((name) =>
    name === "SalamanderError"
      ? `/** ${errorDocs[name]} */
export class SalamanderError extends Error {
  /** The variant of salamander's Rust error, e.g. "InvalidMAC" or "UnknownMessageIndex". */
  readonly kind: string;
}`
      : `/** ${errorDocs[name]} */
export class ${name} extends SalamanderError {
  readonly name: "${name}";
}`,
  )
  .concat(
    dmlsErrorClasses.map((name) =>
      name === "DmlsError"
        ? `/** ${errorDocs[name]} */
export class DmlsError extends SalamanderError {}`
        : `/** ${errorDocs[name]} */
export class ${name} extends DmlsError {
  readonly name: "${name}";
}`,
    ),
  )
  .join("\n");

writeFileSync(
  join(out, "index.d.ts"),
  `// salamander: Olm and Megolm in WebAssembly.
export * from "./salamander.js";
import type { InitInput } from "./salamander.js";

${errorTypes}

/**
 * Load and instantiate the WebAssembly module. Call it once (further calls are no-ops) and wait
 * for it before using anything else. In browsers it fetches \`salamander_bg.wasm\` next to the
 * module, in Node it reads the file; pass a URL, a Response, bytes or a WebAssembly.Module to load
 * it another way.
 */
export default function init(input?: InitInput | Promise<InitInput>): Promise<void>;
`,
);

// wasm-bindgen's classes declare [Symbol.dispose]() (for `using`): pull in the lib that
// declares it, so that projects compiling against lib es2022 or older need no extra setting.
const glueTypes = join(out, "salamander.d.ts");
writeFileSync(glueTypes, `/// <reference lib="esnext.disposable" />\n${readFileSync(glueTypes, "utf8")}`);

const pkg = {
  name: "salamander",
  version,
  description:
    "Olm and Megolm (Matrix end-to-end encryption) in WebAssembly: pure-Rust salamander, byte-for-byte compatible with libolm and vodozemac",
  license: "Apache-2.0",
  keywords: ["matrix", "olm", "megolm", "e2ee", "wasm"],
  type: "module",
  main: "./index.js",
  types: "./index.d.ts",
  exports: {
    ".": {
      types: "./index.d.ts",
      node: "./node.js",
      default: "./index.js",
    },
    "./salamander_bg.wasm": "./salamander_bg.wasm",
    "./package.json": "./package.json",
  },
  files: [
    "index.js",
    "node.js",
    "index.d.ts",
    "salamander.js",
    "salamander.d.ts",
    "salamander_bg.wasm",
    "snippets/",
  ],
  engines: { node: ">=20" },
};
writeFileSync(join(out, "package.json"), JSON.stringify(pkg, null, 2) + "\n");
