// Which functions make up a .wasm file: parses the code and name sections and prints the
// largest functions and the total per crate (from the symbol names). Needs a module that still
// has its name section (wasm-bindgen --keep-debug, before wasm-opt strips it).
// Usage: node scripts/wasm-sizes.mjs FILE.wasm [TOP]
import { readFileSync } from "node:fs";

const [file, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 25);
const bytes = readFileSync(file);
let pos = 8;

function leb() {
  let result = 0, shift = 0, byte;
  do {
    byte = bytes[pos++];
    result += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return result;
}
function name() {
  const len = leb();
  const s = bytes.toString("utf8", pos, pos + len);
  pos += len;
  return s;
}

let importedFunctions = 0;
const bodies = [];
const names = new Map();
const sections = [];
const dataSegments = [];
while (pos < bytes.length) {
  const id = bytes[pos++];
  const size = leb();
  const start = pos;
  const end = pos + size;
  let label = ["custom", "type", "import", "function", "table", "memory", "global", "export", "start", "element", "code", "data", "datacount"][id] ?? `id${id}`;
  if (id === 0) {
    const custom = name();
    label = `custom:${custom}`;
    if (custom === "name") {
      while (pos < end) {
        const sub = bytes[pos++];
        const subSize = leb();
        const subEnd = pos + subSize;
        if (sub === 1) {
          const count = leb();
          for (let i = 0; i < count; i++) {
            const index = leb();
            names.set(index, name());
          }
        }
        pos = subEnd;
      }
    }
  } else if (id === 2) {
    const count = leb();
    for (let i = 0; i < count; i++) {
      name();
      name();
      const kind = bytes[pos++];
      if (kind === 0) { leb(); importedFunctions++; }
      else if (kind === 1) { pos++; const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 2) { const flags = leb(); leb(); if (flags & 1) leb(); }
      else if (kind === 3) { pos += 2; }
    }
  } else if (id === 10) {
    const count = leb();
    for (let i = 0; i < count; i++) {
      const bodySize = leb();
      bodies.push({ index: importedFunctions + i, size: bodySize });
      pos += bodySize;
    }
  } else if (id === 11) {
    const count = leb();
    for (let i = 0; i < count; i++) {
      const flags = leb();
      if (flags === 0) { while (bytes[pos++] !== 0x0b); }
      else if (flags === 2) { leb(); while (bytes[pos++] !== 0x0b); }
      const len = leb();
      dataSegments.push(len);
      pos += len;
    }
  }
  sections.push({ label, size });
  pos = end;
}

// Legacy Rust mangling (_ZN…E) to a path; v0 and other names are kept as they are.
function demangle(symbol) {
  if (!symbol.startsWith("_ZN")) return symbol;
  let i = 3;
  const parts = [];
  while (i < symbol.length && symbol[i] !== "E") {
    let len = 0;
    while (symbol[i] >= "0" && symbol[i] <= "9") len = len * 10 + Number(symbol[i++]);
    if (len === 0) break;
    parts.push(symbol.slice(i, i + len));
    i += len;
  }
  if (parts.length && /^h[0-9a-f]{16}$/.test(parts.at(-1))) parts.pop();
  return parts.join("::").replace(/\$LT\$/g, "<").replace(/\$GT\$/g, ">").replace(/\$u20\$/g, " ")
    .replace(/\$RF\$/g, "&").replace(/\$C\$/g, ",").replace(/\$u7b\$/g, "{").replace(/\$u7d\$/g, "}")
    .replace(/\.\./g, "::").replace(/\$BP\$/g, "*").replace(/\$u5b\$/g, "[").replace(/\$u5d\$/g, "]");
}
const EXPORT_SHIMS = /^(account|session|olmmessage|groupsession|inboundgroupsession|megolmmessage)_|^(ed25519Verify|salamanderVersion)$/;
function crateOf(path) {
  const trait = /^<([^<>]*?) as ([A-Za-z_][A-Za-z0-9_]*)(\[[0-9a-f]+\])?::/.exec(path);
  if (trait && !trait[1].replace(/^&(mut )?/, "").includes("::")) return trait[2];
  if (EXPORT_SHIMS.test(path)) return "salamander_js";
  const clean = path.replace(/\[[0-9a-f]+\]/g, "").replace(/^(_?<|&mut |&|\*const |\*mut |dyn |\[)+/, "");
  const m = /^([a-zA-Z_][a-zA-Z0-9_]*)::/.exec(clean);
  if (m) return m[1];
  if (/^(__wbg|__wbindgen|wasm_bindgen|__externref)/.test(path)) return "wasm_bindgen";
  if (/^(dlmalloc|__rust|rust_)/.test(path)) return "std";
  if (/^(mem|memcpy|memset|memmove|memcmp|bcmp)$/.test(path)) return "compiler_builtins";
  return "(other)";
}

console.log(`${file}: ${bytes.length} bytes`);
console.log("\nsections:");
for (const s of sections.sort((a, b) => b.size - a.size)) console.log(`  ${String(s.size).padStart(8)}  ${s.label}`);
const dataTotal = dataSegments.reduce((a, b) => a + b, 0);
console.log(`\ndata segments: ${dataSegments.length}, ${dataTotal} bytes (constants, tables, strings)`);
const fns = bodies.map((b) => ({ ...b, name: demangle(names.get(b.index) ?? `func${b.index}`) }));
const byCrate = new Map();
for (const f of fns) {
  const c = crateOf(f.name);
  byCrate.set(c, (byCrate.get(c) ?? 0) + f.size);
}
console.log("\ncode by crate (function bodies):");
for (const [c, size] of [...byCrate].sort((a, b) => b[1] - a[1])) console.log(`  ${String(size).padStart(8)}  ${c}`);
console.log(`\nlargest ${top} functions:`);
for (const f of fns.sort((a, b) => b.size - a.size).slice(0, top)) console.log(`  ${String(f.size).padStart(8)}  ${f.name.slice(0, 140)}`);
