package io.chora.cli;

/** What {@code chora} exits with; scripts can tell a refused operation from a typo. */
final class ExitCode {
  static final int OK = 0;
  static final int FAILED = 1;
  static final int USAGE = 2;
  static final int NO_DATABASE = 3;

  /** An SQLite file that is not a chora replica (yet), given to a command that only looks. */
  static final int NOT_A_REPLICA = 4;

  /** A sync through a hub did not finish in time; what arrived is kept, whole transactions. */
  static final int TIMED_OUT = 5;

  private ExitCode() {}
}
