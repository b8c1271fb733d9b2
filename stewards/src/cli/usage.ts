/** Each command's usage, kept apart from the commands so the CLI can print it without loading them. */

export const SPEC_IMPACT_USAGE = `openwop-stewards spec-impact [--base REV] [--json] [--root DIR]

What the working tree's changes to spec/ and schemas/ touch, against REV (default HEAD):
each changed section and the scenarios citing it, each changed schema with its generated
types and the scenarios validating against it, those scenarios' profiles, and every host's
outcome in conformance/results. Exits 1 when a removed or renumbered section is still cited.`;

export const RFC_INDEX_USAGE = `openwop-stewards rfc-index [--check] [--root DIR]

Validates every RFC's header (status from RFC 0001's list, a compatibility class, dates,
touched paths that exist, number matching the file name, no number used twice) and writes
RFCS/README.md from the headers; --check writes nothing and exits 1 when the committed index
differs from what the headers give.`;

export const RFC_CHECK_USAGE = `openwop-stewards rfc-check [--json] [--root DIR]

Checks every RFC's acceptance criteria (its \`yaml acceptance-criteria\` block) against the
repository and the conformance registry. Exits 1 when an Accepted RFC has an unmet
criterion, or any RFC's criteria cannot be read; other RFCs' results are shown only.`;
