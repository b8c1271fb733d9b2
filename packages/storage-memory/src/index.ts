export { createMemoryAdapter } from "./memory-adapter.js";
