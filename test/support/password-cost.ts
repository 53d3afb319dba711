// Suites hash passwords at scrypt's lowest accepted cost (2^10, ~1 ms) instead of the production 2^15 (~50 ms each,
// hundreds per run): the code paths are the same, only N differs, and each stored hash carries its own N.

/** scrypt's cost (log2 N) for passwords made in tests. */
export const TEST_PASSWORD_COST = 10;
/** The environment that sets it for a configured app or a CLI child process. */
export const TEST_PASSWORD_ENV = { FLYWHEEL_PASSWORD_COST: String(TEST_PASSWORD_COST) } as const;
