/**
 * The version of the storage SPI this package defines. Semver: a minor bump adds
 * optional capabilities; a major bump changes a contract adapters already implement.
 */
export const STORAGE_SPI_VERSION = "3.0.0";

/** Thrown by {@link assertSpiCompatible} when an adapter implements another SPI range. */
export class SpiVersionMismatchError extends Error {
  override readonly name = "SpiVersionMismatchError";
  constructor(
    readonly adapterName: string,
    readonly adapterRange: string,
    readonly hostVersion: string,
  ) {
    super(
      `storage adapter ${adapterName} implements storage SPI ${adapterRange}, ` +
        `but this host speaks storage SPI ${hostVersion}; upgrade the adapter or the host so the versions agree`,
    );
  }
}

interface Semver {
  major: number;
  minor: number;
  patch: number;
}

function parseSemver(version: string): Semver | null {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  if (!match) return null;
  return { major: Number(match[1]), minor: Number(match[2]), patch: Number(match[3]) };
}

/**
 * Whether `version` satisfies `range`. Ranges are deliberately small: an exact
 * version (`1.2.0`) or a caret range (`^1.2.0`: same major, at least that minor.patch).
 */
export function satisfiesSpiRange(version: string, range: string): boolean {
  const wanted = parseSemver(version);
  const caret = range.trim().startsWith("^");
  const floor = parseSemver(caret ? range.trim().slice(1) : range);
  if (!wanted || !floor) return false;
  if (!caret) return wanted.major === floor.major && wanted.minor === floor.minor && wanted.patch === floor.patch;
  if (wanted.major !== floor.major) return false;
  if (wanted.minor !== floor.minor) return wanted.minor > floor.minor;
  return wanted.patch >= floor.patch;
}

/**
 * Refuses an adapter whose declared SPI range does not include the host's SPI version.
 *
 * @example
 * assertSpiCompatible({ name: "sqlite", spiVersionRange: "^1.0.0" }); // passes on 1.x
 */
export function assertSpiCompatible(
  adapter: { readonly name: string; readonly spiVersionRange: string },
  hostVersion: string = STORAGE_SPI_VERSION,
): void {
  if (!satisfiesSpiRange(hostVersion, adapter.spiVersionRange)) {
    throw new SpiVersionMismatchError(adapter.name, adapter.spiVersionRange, hostVersion);
  }
}
