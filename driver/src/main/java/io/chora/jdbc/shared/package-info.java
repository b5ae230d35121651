/**
 * What both engines share: the options ({@link io.chora.jdbc.shared.ChoraOptions}), the base of
 * both connections with the rounds of {@code syncWith} ({@link
 * io.chora.jdbc.shared.ReplicaConnection}), the checks every received change passes ({@link
 * io.chora.jdbc.shared.ChangeChecks}, {@link io.chora.jdbc.shared.ValueRules}), refusal texts
 * ({@link io.chora.jdbc.shared.Refusals}), site ids ({@link io.chora.jdbc.shared.SiteIds}), the
 * record of peers and exchanges ({@link io.chora.jdbc.shared.SyncHistory}) and the wall clock
 * ({@link io.chora.jdbc.shared.WallClock}).
 *
 * <p>Must not touch: either engine ({@code log}, {@code crsqlite}), or sqlite-jdbc's internals (go
 * through {@code seam}).
 */
package io.chora.jdbc.shared;
