/**
 * The README's CLI examples run as written (in a temporary directory, with the bundled datasets).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../../src/cli/run-cli.ts";
import { io } from "../helpers/cli-io.ts";
import { root } from "../helpers/datasets.ts";

/** The `npx loyal ...` commands of the README's sh blocks, continuation lines joined, split into words. */
function readmeCommands(): string[][] {
  const text = readFileSync(join(root, "README.md"), "utf8");
  const blocks = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]);
  const cmds: string[][] = [];
  for (const b of blocks) {
    const joined = b.replace(/\\\n\s*/g, " ");
    for (const line of joined.split("\n")) {
      const l = line.replace(/#.*$/, "").trim();
      if (!l.startsWith("npx loyal ")) continue;
      cmds.push(l.slice("npx loyal ".length).split(/\s+/));
    }
  }
  return cmds;
}

describe("README examples", () => {
  const cmds = readmeCommands();
  it("the README has CLI examples", () => assert.ok(cmds.length >= 6, `found ${cmds.length}`));
  const cwd = process.cwd();
  const dir = mkdtempSync(join(tmpdir(), "loyal-readme-"));
  for (const argv of cmds) {
    it(`loyal ${argv.join(" ")}`, async () => {
      process.chdir(dir);
      try {
        const args = argv.map((a) => (a.startsWith("datasets/") ? join(root, a) : a));
        const o = io();
        const code = await runCli(args, o);
        assert.equal(code, 0, o.err);
        assert.ok(o.out.length > 0, "prints something");
      } finally {
        process.chdir(cwd);
      }
    });
  }
});

describe("README library example", () => {
  it("runs as written and prints the rows read, the customers and the BG/NBD parameters", async () => {
    const { execFileSync } = await import("node:child_process");
    const { writeFileSync } = await import("node:fs");
    const text = readFileSync(join(root, "README.md"), "utf8");
    const block = /```ts\n([\s\S]*?)```/.exec(text)?.[1];
    assert.ok(block, "a ts block");
    const file = join(root, "test", `.readme-example-${process.pid}.ts`);
    // the package's own name resolves to the compiled dist/; the test runs the sources the README's entry compiles from
    writeFileSync(file, block.replaceAll('from "loyal"', 'from "../src/index.ts"').replaceAll('"./src/', '"../src/'));
    try {
      const out = execFileSync(process.execPath, ["--import", "tsx", file], {
        cwd: root,
        encoding: "utf8",
        env: { ...process.env, TZ: "UTC" },
      });
      assert.match(out, /^6919 2357 \{/);
      assert.match(out, /r: 0\.2425/);
    } finally {
      (await import("node:fs")).rmSync(file, { force: true });
    }
  });
});
