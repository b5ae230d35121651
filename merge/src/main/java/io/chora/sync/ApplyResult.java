package io.chora.sync;

/**
 * What applying a change set did: transactions applied, transactions skipped because this replica
 * already had them, and conflicts recorded in the ledger (concurrent writes of the same cell).
 */
public record ApplyResult(int applied, int skipped, int conflicts) {}
