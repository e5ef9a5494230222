#!/usr/bin/env node
// The installed `loyal` command. It runs the compiled JavaScript in dist/ (`npm run build`, also run by
// `npm install`) when that build was made from the current TypeScript sources, else the sources through the tsx
// loader: the same program either way, the compiled one starting in about half the time.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));

/**
 * A digest of the paths and contents of bin/loyal.ts and every file under src/. scripts/build.mjs writes the same
 * digest (same code) on the second line of dist/.stamp.
 */
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

/**
 * True when dist/.stamp exists and was written from the current sources: at once when it is newer than bin/loyal.ts
 * and every file under src/; otherwise when the digest it records still matches the sources. File times alone are
 * not enough: npm installs a package with every file timed at its extraction (src/ after dist/), and a copy or a
 * checkout may touch files without changing them.
 */
function builtIsFresh() {
  let stamp;
  let recorded;
  try {
    stamp = statSync(`${root}dist/.stamp`).mtimeMs;
    recorded = readFileSync(`${root}dist/.stamp`, "utf8").split("\n")[1];
  } catch {
    return false;
  }
  let newer = statSync(`${root}bin/loyal.ts`).mtimeMs > stamp;
  for (const f of readdirSync(`${root}src`, { recursive: true })) {
    if (newer) break;
    newer = statSync(`${root}src/${f}`).mtimeMs > stamp;
  }
  return !newer || (recorded !== undefined && recorded !== "" && recorded === sourceDigest());
}

if (process.env.LOYAL_FROM_SOURCE !== "1" && builtIsFresh()) {
  await import("../dist/bin/loyal.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./loyal.ts");
}
