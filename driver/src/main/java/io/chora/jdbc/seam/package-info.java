/**
 * The only code that touches sqlite-jdbc's internals ({@code org.sqlite.core}, {@code
 * org.sqlite.jdbc3}, {@code org.sqlite.jdbc4} and their protected members): the connection class
 * both engines extend ({@link io.chora.jdbc.seam.SqliteConnection}), the statements that funnel
 * every execute variant into an engine's {@link io.chora.jdbc.seam.StatementFunnel}, {@link
 * io.chora.jdbc.seam.SteppedStatement}, which steps chora's fixed statements on the native handle,
 * and {@code AppHooks}, which stands between sqlite-jdbc's listener dispatch and the application's
 * update and commit listeners. An upgrade of sqlite-jdbc is checked here.
 *
 * <p>Must not touch: anything of chora but the SQL classifier ({@code sql}).
 */
package io.chora.jdbc.seam;
