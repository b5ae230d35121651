/**
 * The hub server: WebSocket endpoint, admission (tokens, limits), and a durable causal log of
 * envelopes per workspace on SQLite. Protocol v1: docs/protocol.md.
 *
 * <p>Must not touch: {@code io.chora.sync} or the driver. The hub routes by dots and clocks only
 * and cannot read payloads, which may be encrypted end to end.
 */
package io.chora.hub;
