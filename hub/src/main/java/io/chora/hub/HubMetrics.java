package io.chora.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /metrics} shows: counts and rates only, never a token, a site's data or a
 * payload. Workspace names do appear (they are in every client's URL, not secrets).
 */
final class HubMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HubMetrics() {}

  static String json(List<Workspace> workspaces, long startedAtMillis) {
    long connected = 0;
    long stored = 0;
    double perSecond = 0;
    long storeBytes = 0;
    Map<String, Object> byName = new TreeMap<>();
    for (Workspace workspace : workspaces) {
      int clients = workspace.connectedClients();
      long envelopes = workspace.storedCount();
      double rate = workspace.storedPerSecond();
      long bytes = workspace.store().sizeBytes();
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("connectedClients", clients);
      one.put("envelopesStored", envelopes);
      one.put("envelopesPerSecond", rate);
      one.put("storeBytes", bytes);
      byName.put(workspace.name(), one);
      connected += clients;
      stored += envelopes;
      perSecond += rate;
      storeBytes += bytes;
    }
    Map<String, Object> metrics = new LinkedHashMap<>();
    metrics.put("uptimeSeconds", (System.currentTimeMillis() - startedAtMillis) / 1000);
    metrics.put("connectedClients", connected);
    metrics.put("envelopesStored", stored);
    metrics.put("envelopesPerSecond", perSecond);
    metrics.put("storeBytes", storeBytes);
    metrics.put("workspaces", byName);
    try {
      return JSON.writeValueAsString(metrics);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("maps of numbers always serialize", e);
    }
  }
}
