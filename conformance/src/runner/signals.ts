/**
 * Throwables that end a scenario early with a verdict other than "pass". They are
 * classes (not error codes) so the runner can classify them with `instanceof`, and any
 * other exception is, by construction, a failure.
 */

/** An assertion did not hold: the host is wrong. */
export class AssertionFailure extends Error {
  override readonly name = "AssertionFailure";
}

/**
 * The scenario could not be exercised against this host. `advertised` records whether
 * the host promised the capability that went untested, which `--require-behavior` turns
 * into a failure.
 */
export class ScenarioSkip extends Error {
  override readonly name = "ScenarioSkip";
  constructor(
    message: string,
    readonly advertised: boolean,
  ) {
    super(message);
  }
}

/** The scenario does not apply to this host at all (not a gap in evidence). */
export class ScenarioInapplicable extends Error {
  override readonly name = "ScenarioInapplicable";
}

/**
 * The scenario ran but what the host answered cannot serve as evidence either way (an
 * operator-supplied run id that answers 404 may never have existed): neither pass nor fail.
 */
export class ScenarioBlocked extends Error {
  override readonly name = "ScenarioBlocked";
}
