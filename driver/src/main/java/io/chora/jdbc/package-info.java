/**
 * The public API of the chora JDBC driver, and nothing else: {@link io.chora.jdbc.ChoraDriver}
 * ({@code jdbc:chora:}), {@link io.chora.jdbc.ChoraDataSource}, {@link
 * io.chora.jdbc.ChoraConnection} (what {@code unwrap(ChoraConnection.class)} returns), the hub
 * status and listener types, and the seed facade of the original Python package ({@link
 * io.chora.jdbc.ChangeTracker}, {@link io.chora.jdbc.DatabaseMerger}, {@link
 * io.chora.jdbc.ChangeType}), a thin layer over the driver.
 *
 * <p>Everything behind it lives in sub-packages that applications, the CLI, the conflict page and
 * the benchmarks must not use (ArchitectureTest): {@code shared}, {@code seam}, {@code log}, {@code
 * crsqlite}, {@code hub}, {@code sql}.
 */
package io.chora.jdbc;
