/**
 * Java mode, chora's default engine: capture by triggers into a change log, the merge, and the
 * conflict ledger. Three groups of classes, kept in one package so that none of them is public:
 *
 * <ul>
 *   <li><b>capture</b>: {@link io.chora.jdbc.log.LogConnection} (the connection), {@code
 *       CaptureSession} (transaction rules around each statement, commit markers), {@code
 *       SqlTransactions}, {@code CaptureSchema} (chora's tables, the marker trigger), {@code
 *       TriggerBuilder} and {@code TriggerSync} (capture triggers kept current), {@code
 *       TrackedTables}, {@code TableInfo}, {@code KeyCodec}, {@code LogOp}, {@code UserCounts} (the
 *       counts sqlite-jdbc would give), {@code NextHlcFunction};
 *   <li><b>reading the log</b>: {@code ChangeLog} (clock, delta for a peer), {@code
 *       ChangeAssembler} (log rows folded into transactions), {@code SentRows} (a transaction's
 *       rows of rowid tables read in one join), {@code RowReader}, {@code Compaction} (what of the
 *       log and ledger no set can need any more);
 *   <li><b>merge</b>: {@code ChangeApplier} (per-row causal length, per-cell last writer by {@link
 *       io.chora.sync.Stamp}), {@code ChangeSetValidator}, {@code MergeState} (versions of rows and
 *       cells; {@code FreshTables}: tables with no row state yet need no look-ups), {@code
 *       ConstraintKeeper} and {@code Constraints} (UNIQUE and FOREIGN KEY rules), {@code
 *       TableWriter};
 *   <li><b>ledger</b>: {@code Ledger}, the losers of concurrent writes; {@code OpenConflicts} keeps
 *       the open ones to each cell's concurrent losers against its winner.
 * </ul>
 *
 * <p>Must not touch: native mode ({@code crsqlite}), sqlite-jdbc's internals (go through {@code
 * seam}).
 */
package io.chora.jdbc.log;
