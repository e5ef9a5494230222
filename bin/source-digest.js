// The digest that ties a compiled build (dist/) to its sources: SHA-256 of the paths and contents of bin/loyal.ts
// and every file under src/. scripts/build.mjs records it in dist/.stamp; bin/loyal.js compares it.
import { createHash } from "node:crypto";
import { readdirSync, readFileSync, statSync } from "node:fs";

/**
 * @param {string} root the package folder, ending in "/"
 * @returns {string} the hex digest
 */
export function sourceDigest(root) {
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
