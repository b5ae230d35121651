/**
 * The hub client: one WebSocket client per database file and hub endpoint ({@code HubClients}),
 * pushing local commits as envelopes and applying what the hub relays ({@code HubClient}, protocol
 * v1 in {@code HubProtocol}, docs/protocol.md), optionally sealed with age ({@code PayloadCipher}).
 * It talks to its database through the public {@link io.chora.jdbc.ChoraConnection} API only.
 *
 * <p>Must not touch: either engine, sqlite-jdbc.
 */
package io.chora.jdbc.hub;
