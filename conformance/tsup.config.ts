import { packageBuild } from "../tsup.config.base.js";

export default packageBuild({ index: "src/index.ts", cli: "src/cli.ts", matrix: "src/matrix/main.ts" });
