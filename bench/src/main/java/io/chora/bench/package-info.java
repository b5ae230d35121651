/**
 * JMH benchmarks and benchmark programs: one class per operation with a {@code mode} parameter
 * (plain sqlite-jdbc, java mode, native mode) measured in the same run, {@link
 * io.chora.bench.Ratios} printing the ratios; see docs/benchmarks.md.
 *
 * <p>Must not touch: anything of the driver but its public API ({@code io.chora.jdbc}).
 */
package io.chora.bench;
