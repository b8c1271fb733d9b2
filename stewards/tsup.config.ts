import { packageBuild } from "../tsup.config.base.js";

export default packageBuild({ cli: "src/cli.ts" }, { dts: false });
