import { packageBuild } from "../tsup.config.base.js";

// The Postgres harness is a development dependency loaded only by the matrix: kept external
// so the published suite neither bundles nor requires it.
export default packageBuild(
  { index: "src/index.ts", cli: "src/cli.ts", matrix: "src/matrix/main.ts" },
  { external: ["@openwop/pg-harness"] },
);
