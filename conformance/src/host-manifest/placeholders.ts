/** Replaces `${NAME}` in `template`; an unknown or unset name is an error, never an empty string. */
export function fillPlaceholders(
  template: string,
  values: Readonly<Record<string, string | undefined>>,
  where: string,
): string {
  return template.replace(/\$\{([A-Z0-9_]+)\}/g, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`${where}: placeholder \${${name}} has no value for this launch`);
    return value;
  });
}
