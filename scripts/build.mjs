// Compiles src/ and bin/loyal.ts to plain JavaScript in dist/ (`npm run build`; also run by `npm install` as the
// `prepare` script), then writes dist/.stamp: the time, and a digest of the sources compiled. The installed `loyal`
// command (bin/loyal.js) runs the compiled code when it was built from the current sources (newer than every source
// file, or with the same digest), and the TypeScript sources through tsx otherwise, so an edit is never run stale.
// Compiled, a command starts in about half the time (no TypeScript to transpile).
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = `${join(dirname(fileURLToPath(import.meta.url)), "..")}/`;

/** The digest bin/loyal.js compares (same code): paths and contents of bin/loyal.ts and every file under src/. */
function sourceDigest() {
  const h = createHash("sha256");
  const files = ["bin/loyal.ts", ...readdirSync(`${root}src`, { recursive: true }).map((f) => `src/${f}`)];
  for (const f of files.map((f) => f.replaceAll("\\", "/")).sort()) {
    if (!statSync(`${root}${f}`).isFile()) continue;
    h.update(`${f}\0`)
      .update(readFileSync(`${root}${f}`))
      .update("\0");
  }
  return h.digest("hex");
}

// before compiling: a source edited during the build then differs from the digest, so the build counts as stale
const digest = sourceDigest();
const out = join(root, "dist");
rmSync(out, { recursive: true, force: true });
const tsc = join(root, "node_modules", "typescript", "bin", "tsc");
try {
  execFileSync(process.execPath, [tsc, "-p", join(root, "tsconfig.build.json")], { cwd: root, stdio: "inherit" });
} catch {
  // a half-written dist/ must not be run: without the stamp bin/loyal.js runs the sources through tsx
  rmSync(out, { recursive: true, force: true });
  console.error("build: tsc failed (see above); dist/ removed, `loyal` will run the TypeScript sources");
  process.exit(1);
}
writeFileSync(join(out, ".stamp"), `${new Date().toISOString()}\n${digest}\n`);
