import { describeFuzzSuite } from "./suite.js";

describeFuzzSuite("sqlite", import.meta.filename);
