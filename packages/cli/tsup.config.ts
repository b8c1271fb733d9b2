import { packageBuild } from "../../tsup.config.base.js";

// `cli` is the bin (tsup keeps its shebang and makes it executable); `index` the library entry.
export default packageBuild({ cli: "src/cli.ts", index: "src/index.ts" });
