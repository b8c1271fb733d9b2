export * from "./version.js";
export * from "./errors.js";
export * from "./records.js";
export type * from "./adapter.js";
export * from "./subscribe.js";
export { Notifier, KeyedNotifier } from "./notifier.js";
export { RecentEvents } from "./recent-events.js";
export { ReleasedClaims } from "./released-claims.js";
