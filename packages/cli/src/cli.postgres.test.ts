import { describeCliCommands } from "./testing/commands-suite.js";

describeCliCommands("postgres");
