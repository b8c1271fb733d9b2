import packageJson from "../package.json" with { type: "json" };

/** The suite's version, recorded in every result so a claim names the suite that made it. */
export const SUITE_VERSION: string = packageJson.version;
export const SUITE_NAME: string = packageJson.name;
