import { describeFuzzSuite } from "./suite.js";

describeFuzzSuite("in-memory", import.meta.filename);
