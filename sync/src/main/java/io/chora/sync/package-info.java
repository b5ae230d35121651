/**
 * chora's data model, shared by every part: {@link io.chora.sync.VectorClock}, {@link
 * io.chora.sync.Dot}, {@link io.chora.sync.Hlc}, {@link io.chora.sync.Stamp} (the one order of two
 * writes), {@link io.chora.sync.Change}, {@link io.chora.sync.Transaction}, {@link
 * io.chora.sync.ChangeSet} and its versioned JSON wire format ({@link
 * io.chora.sync.ChangeSetWriter}, {@link io.chora.sync.ChangeSetReader}), and the results of sync
 * and apply.
 *
 * <p>Must not touch: any JDBC driver, {@code java.sql}, the driver module. Only the JDK and
 * Jackson.
 */
package io.chora.sync;
