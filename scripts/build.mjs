// Compiles src/ and bin/loyal.ts to plain JavaScript in dist/ (`npm run build`; also run by `npm install` as the
// `prepare` script), then writes dist/.stamp: the time, and a digest of the sources compiled. The installed `loyal`
// command (bin/loyal.js) runs the compiled code when it was built from the current sources (newer than every source
// file, or with the same digest), and the TypeScript sources through tsx otherwise, so an edit is never run stale.
// Compiled, a command starts in about half the time (no TypeScript to transpile).
import { execFileSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { sourceDigest } from "../bin/source-digest.js";

const root = `${join(dirname(fileURLToPath(import.meta.url)), "..")}/`;

// before compiling: a source edited during the build then differs from the digest, so the build counts as stale
const digest = sourceDigest(root);
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
