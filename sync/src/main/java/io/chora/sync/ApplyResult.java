package io.chora.sync;

/**
 * What applying a change set did: transactions applied, transactions skipped because this replica
 * already had them, conflicts recorded in the ledger (concurrent writes of the same cell, rows
 * removed for a constraint), and the row changes the set carried (applied or skipped).
 */
public record ApplyResult(int applied, int skipped, int conflicts, int changes) {}
