/**
 * Native mode ({@code chora.mode=crsqlite}): the same {@link io.chora.jdbc.ChoraConnection} API on
 * cr-sqlite's CRRs. {@code NativeConnection} loads the bundled extension; {@code CrrDdl} follows
 * schema changes (its statement funnel); {@code NativeChangeReader}, {@code NativeApplier} and
 * {@code NativeClock} answer the API from {@code crsql_changes}; {@code CrrRules}, {@code KeyGuard}
 * and {@code NativeSetCheck} refuse what cr-sqlite cannot sync, by name. Where it differs from java
 * mode: no conflict ledger, no hub client, no counters; see docs/native-mode.md.
 *
 * <p>Must not touch: java mode ({@code log}), sqlite-jdbc's internals (go through {@code seam}).
 */
package io.chora.jdbc.crsqlite;
