/**
 * bin/loyal.js picks the compiled build (dist/) only when it was made from the current sources, in a copy of the
 * project (never touching this one's files): fresh, missing, edited, and as npm installs a package (every file timed
 * at its extraction, src/ after dist/, contents unchanged). The compiled entry is marked so the test can tell which
 * one ran; the output must be the same either way.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
  appendFileSync,
  cpSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { root } from "../helpers/datasets.ts";

const copy = mkdtempSync(join(tmpdir(), "loyal-bin-"));
const MARK = "RUNNING-DIST";

function loyal(env: Record<string, string> = {}, ...args: string[]) {
  const r = spawnSync(process.execPath, [join(copy, "bin/loyal.js"), ...args], {
    cwd: copy,
    encoding: "utf8",
    env: { ...process.env, LOYAL_FROM_SOURCE: "", ...env },
  });
  assert.equal(r.status, 0, r.stderr);
  return { out: r.stdout, compiled: r.stderr.includes(MARK) };
}

function build(): void {
  const r = spawnSync(process.execPath, [join(copy, "scripts/build.mjs")], { cwd: copy, encoding: "utf8" });
  assert.equal(r.status, 0, r.stderr);
  appendFileSync(join(copy, "dist/bin/loyal.js"), `\nconsole.error(${JSON.stringify(MARK)});\n`);
}

/** Times every file and folder of the sources at `when` (seconds), as an extraction would. */
function touchSources(when: number): void {
  utimesSync(join(copy, "bin/loyal.ts"), when, when);
  for (const f of ["", ...readdirSync(join(copy, "src"), { recursive: true }).map(String)]) {
    utimesSync(join(copy, "src", f), when, when);
  }
}

const args = ["summarize", "test/fixtures/messy/currency.csv", "--currency-rates", "rates.csv", "--json"];

describe("bin/loyal.js: compiled or sources", () => {
  before(() => {
    for (const d of ["bin", "src", "scripts", "test/fixtures/messy"])
      cpSync(join(root, d), join(copy, d), { recursive: true });
    for (const f of ["package.json", "tsconfig.json", "tsconfig.build.json"]) cpSync(join(root, f), join(copy, f));
    symlinkSync(join(root, "node_modules"), join(copy, "node_modules"));
    writeFileSync(join(copy, "rates.csv"), "currency,rate\nEUR,1\nUSD,0.5\n");
    build();
  });
  after(() => rmSync(copy, { recursive: true, force: true }));

  it("fresh: the compiled build, with the same output as the sources (LOYAL_FROM_SOURCE=1)", () => {
    const compiled = loyal({}, ...args);
    const source = loyal({ LOYAL_FROM_SOURCE: "1" }, ...args);
    assert.equal(compiled.compiled, true);
    assert.equal(source.compiled, false);
    assert.equal(compiled.out, source.out);
    assert.equal(JSON.parse(compiled.out).ingestion.rowsUsed, 3);
  });

  it("installed by npm (every source file newer than dist/.stamp, contents unchanged): still the compiled build", () => {
    touchSources(Date.now() / 1000 + 60);
    const r = loyal({}, "--version");
    assert.equal(r.compiled, true);
    assert.equal(r.out, loyal({ LOYAL_FROM_SOURCE: "1" }, "--version").out);
  });

  it("a source edited after the build: the sources; rebuilt: compiled again", () => {
    appendFileSync(join(copy, "src/index.ts"), "\n// edited\n");
    const r = loyal({}, ...args);
    assert.equal(r.compiled, false);
    build();
    assert.equal(loyal({}, ...args).compiled, true);
    assert.equal(loyal({}, ...args).out, r.out);
  });

  it("a stamp without a digest (an older build) and newer sources: the sources; no dist/: the sources", () => {
    writeFileSync(join(copy, "dist/.stamp"), "2020-01-01T00:00:00.000Z\n");
    utimesSync(join(copy, "dist/.stamp"), 1_000_000, 1_000_000);
    assert.equal(loyal({}, "--version").compiled, false);
    rmSync(join(copy, "dist"), { recursive: true });
    const r = loyal({}, ...args);
    assert.equal(r.compiled, false);
    assert.equal(JSON.parse(r.out).ingestion.rowsUsed, 3);
  });
});
