import { packageBuild } from "../../tsup.config.base.js";

export default packageBuild({ index: "src/index.ts", contract: "src/contract/index.ts" });
