import { describeFuzzSuite } from "./suite.js";

describeFuzzSuite("postgres", import.meta.filename);
