/**
 * The {@code chora} command (picocli): demo, status, log, sync, conflicts, export and import, ui,
 * hub, keygen, workspace; see docs/cli.md for every command, {@code --json} and the exit codes.
 *
 * <p>Must not touch: anything of the driver but its public API ({@code io.chora.jdbc}).
 */
package io.chora.cli;
