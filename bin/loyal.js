#!/usr/bin/env node
// The installed `loyal` command. It runs the compiled JavaScript in dist/ (`npm run build`, also run by
// `npm install`) when that build was made from the current TypeScript sources, else the sources through the tsx
// loader: the same program either way, the compiled one starting in about half the time.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { sourceDigest } from "./source-digest.js";

const root = fileURLToPath(new URL("..", import.meta.url));

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
  return !newer || (recorded !== undefined && recorded !== "" && recorded === sourceDigest(root));
}

if (process.env.LOYAL_FROM_SOURCE !== "1" && builtIsFresh()) {
  await import("../dist/bin/loyal.js");
} else {
  const { register } = await import("tsx/esm/api");
  register();
  await import("./loyal.ts");
}
