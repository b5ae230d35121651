package io.chora.hub;

/**
 * Transactions {@code first..last} of site {@code origin}, as the hub stores and relays them.
 *
 * @param depsJson the dependency clock as a JSON object, kept as text: the hub checks it once on
 *     push and afterwards only copies it
 * @param payload base64 of what receivers apply; never decoded by the hub
 * @param nonces each transaction's nonce, first to last, or null when the client sent none: two
 *     envelopes of one origin whose nonces differ at a seq are two histories under one site id
 */
record Envelope(
    String origin, long first, long last, String depsJson, String payload, long[] nonces) {}
