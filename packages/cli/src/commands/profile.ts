import type { Command } from "commander";
import { maskKey, profileFilePath, readProfiles, writeProfiles, type Profile } from "../config.js";
import { UsageError } from "../failures.js";
import { withExample } from "../help.js";
import { globalsOf, outputFor, type CliIo } from "../session.js";

/**
 * `openwop profile …`: saved connections in the user's profile file (mode 0600). A profile is
 * the last place a value is looked for: flags and OPENWOP_BASE_URL / OPENWOP_API_KEY win.
 */
export function registerProfile(program: Command, io: CliIo): void {
  const profile = program
    .command("profile")
    .description("save host URLs and keys under a name, in a file only you can read");
  withExample(profile, "openwop profile set default --base-url http://127.0.0.1:3838 --api-key $KEY");

  const set = profile
    .command("set")
    .description("create or update a profile from --base-url and --api-key (only the values given change)")
    .argument("<name>")
    .action(async (name: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const out = outputFor(io, globals);
      if (globals.baseUrl === undefined && globals.apiKey === undefined) {
        throw new UsageError("profile set needs --base-url, --api-key or both");
      }
      if (globals.baseUrl !== undefined && !/^https?:\/\//i.test(globals.baseUrl)) {
        throw new UsageError(
          `the base URL must start with http:// or https:// (got ${JSON.stringify(globals.baseUrl)})`,
        );
      }
      const path = profileFilePath(io.env);
      const { profiles } = await readProfiles(path);
      const updated: Profile = {
        ...profiles[name],
        ...(globals.baseUrl === undefined ? {} : { baseUrl: globals.baseUrl }),
        ...(globals.apiKey === undefined ? {} : { apiKey: globals.apiKey }),
      };
      await writeProfiles(path, { profiles: { ...profiles, [name]: updated } });
      const shown = { name, baseUrl: updated.baseUrl ?? null, apiKey: maskKey(updated.apiKey), file: path };
      out.result(shown, () => out.line(`profile ${name} saved in ${path} (mode 0600)`));
    });
  withExample(set, "openwop profile set staging --base-url https://wop.staging.example.com --api-key $STAGING_KEY");

  const list = profile
    .command("list")
    .description("the saved profiles; keys are shown by their first characters only")
    .action(async (_options: unknown, command: Command) => {
      const out = outputFor(io, globalsOf(command));
      const path = profileFilePath(io.env);
      const { profiles } = await readProfiles(path);
      const rows = Object.entries(profiles).map(([name, value]) => ({
        name,
        baseUrl: value.baseUrl ?? null,
        apiKey: maskKey(value.apiKey),
      }));
      out.result({ file: path, profiles: rows }, () => {
        if (rows.length === 0) {
          out.note(`no profiles in ${path}`);
          return;
        }
        out.table(
          [
            { heading: "NAME", value: (row) => row.name },
            { heading: "BASE URL", value: (row) => row.baseUrl },
            { heading: "API KEY", value: (row) => row.apiKey },
          ],
          rows,
        );
      });
    });
  withExample(list, "openwop profile list");

  const rm = profile
    .command("rm")
    .description("delete a profile")
    .argument("<name>")
    .action(async (name: string, _options: unknown, command: Command) => {
      const out = outputFor(io, globalsOf(command));
      const path = profileFilePath(io.env);
      const { profiles } = await readProfiles(path);
      if (profiles[name] === undefined) throw new UsageError(`no profile "${name}" in ${path}`);
      const { [name]: _removed, ...rest } = profiles;
      await writeProfiles(path, { profiles: rest });
      out.result({ name, deleted: true }, () => out.line(`profile ${name} deleted`));
    });
  withExample(rm, "openwop profile rm staging");
}
