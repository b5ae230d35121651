/**
 * The cr-sqlite loader ({@link io.chora.crsqlite.CrSqlite}): the extension binaries bundled per
 * platform, extracted to a cache and loaded into a connection. Usable without the driver.
 *
 * <p>Must not touch: the rest of chora. Only {@code java.sql}, and sqlite-jdbc in {@code
 * LoadExtensionSwitch} alone (to switch extension loading on).
 */
package io.chora.crsqlite;
