// Worker bootstrap: worker threads do not inherit the TypeScript loader of the main thread in Node 20, so register
// it here, then load the worker itself.
import { register } from "tsx/esm/api";

register();
await import("./score-worker.ts");
