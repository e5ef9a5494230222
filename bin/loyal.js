#!/usr/bin/env node
// The installed `loyal` command: registers the TypeScript loader, then runs bin/loyal.ts.
import { register } from "tsx/esm/api";

register();
await import("./loyal.ts");
