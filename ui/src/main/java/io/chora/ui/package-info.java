/**
 * The conflict page: a small Javalin app (standalone, or mounted in an application's Javalin) that
 * lists a replica's open conflicts, restores or dismisses them, and shows peers and recent syncs;
 * see docs/conflict-page.md.
 *
 * <p>Must not touch: anything of the driver but its public API ({@code io.chora.jdbc}).
 */
package io.chora.ui;
