/**
 * A throwaway PostgreSQL cluster for the pushdown tests: Debian's postgresql binaries, initdb into a temporary
 * directory owned by the `postgres` user (when the tests run as root), trust authentication, listening on
 * 127.0.0.1 only, on a port derived from a hash of the caller's name and the process id (54329 and up; the next
 * free one when taken). Tests never install anything: without the binaries they fail, saying what to install.
 */
import { execFileSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPostgres {
  /** postgresql://postgres@127.0.0.1:<port>/postgres */
  url: string;
  port: number;
  /** The cluster's temporary directory (readable by the server: put COPY input files here). */
  dir: string;
  /** Stops the server and removes the directory. */
  stop(): void;
}

const BASE_PORT = 54329;

/** The newest installed PostgreSQL's bin directory. */
export function postgresBinDir(root = "/usr/lib/postgresql"): string {
  const versions = existsSync(root)
    ? readdirSync(root)
        .filter((v) => existsSync(join(root, v, "bin", "initdb")))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (versions.length === 0)
    throw new Error(
      `PostgreSQL is not installed (no ${root}/*/bin/initdb): install Debian's postgresql package ` +
        "(apt-get install -y postgresql; scripts/test.sh does this when run as root) to run the pushdown tests",
    );
  return join(root, versions[0], "bin");
}

/** FNV-1a 32-bit hash: a deterministic port offset without Math.random. */
function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

async function choosePort(name: string): Promise<number> {
  const start = fnv1a(`${name}:${process.pid}`) % 500;
  for (let k = 0; k < 50; k++) {
    const port = BASE_PORT + ((start + k) % 500);
    if (await portFree(port)) return port;
  }
  throw new Error(`no free port in ${BASE_PORT}..${BASE_PORT + 499} for the test PostgreSQL`);
}

/**
 * Starts a fresh cluster.
 * @param name the test's name (seeds the port choice)
 * @returns the running server; call `stop()` in `after`
 */
export async function startPostgres(name: string): Promise<TestPostgres> {
  const bin = postgresBinDir();
  const asRoot = process.getuid?.() === 0;
  const dir = mkdtempSync(join(tmpdir(), "loyal-pg-"));
  const data = join(dir, "data");
  const run = (cmd: string, args: string[]) => {
    const full = join(bin, cmd);
    try {
      if (asRoot) execFileSync("runuser", ["-u", "postgres", "--", full, ...args], { stdio: "pipe" });
      else execFileSync(full, args, { stdio: "pipe" });
    } catch (e) {
      const err = e as { stderr?: Buffer; message: string };
      throw new Error(`${cmd} failed: ${err.stderr?.toString() || err.message}`);
    }
  };
  if (asRoot) {
    const uid = Number(execFileSync("id", ["-u", "postgres"]).toString());
    const gid = Number(execFileSync("id", ["-g", "postgres"]).toString());
    chownSync(dir, uid, gid);
  }
  const port = await choosePort(name);
  let started = false;
  const stop = () => {
    if (started) {
      try {
        run("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]);
      } catch {
        // already stopped
      }
      started = false;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    run("initdb", [
      "-D",
      data,
      "-A",
      "trust",
      "-U",
      "postgres",
      "-E",
      "UTF8",
      "--locale=C.UTF-8",
      "--locale-provider=icu",
      "--icu-locale=en-US",
      "--no-sync",
    ]);
    const serverOptions = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off`;
    run("pg_ctl", ["-D", data, "-l", join(dir, "server.log"), "-o", serverOptions, "-w", "-t", "60", "start"]);
    started = true;
  } catch (e) {
    stop();
    throw e;
  }
  return { url: `postgresql://postgres@127.0.0.1:${port}/postgres`, port, dir, stop };
}
