import { packageBuild } from "../tsup.config.base.js";

// The peer SDK is a devDependency loaded by its own child process only: keep it out of the bundle.
export default packageBuild(
  { cli: "src/cli.ts", "ceiling-worker": "src/workers/ceiling-worker.ts", "dbos-worker": "src/workers/dbos-worker.ts" },
  { dts: false, external: ["@dbos-inc/dbos-sdk"] },
);
