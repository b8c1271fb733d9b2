import { describeHostSuite } from "@openwop/server/testing";
import { startInMemoryHost } from "./index.js";

describeHostSuite("in-memory host", (launch) => startInMemoryHost({ port: 0, ...launch }));
