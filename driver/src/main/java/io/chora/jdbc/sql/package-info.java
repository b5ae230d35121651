/**
 * The SQL classifier both engines share: what a statement does (read, write, table DDL, transaction
 * control, a script), by a cheap first-keyword scan and, for DDL and WITH, JSqlParser, cached by
 * text ({@link io.chora.jdbc.sql.SqlClassifier#SHARED}).
 *
 * <p>Must not touch: anything else of chora, or sqlite-jdbc.
 */
package io.chora.jdbc.sql;
