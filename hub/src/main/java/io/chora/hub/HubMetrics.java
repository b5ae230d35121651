package io.chora.hub;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What {@code GET /metrics} shows: counts and rates only, never a token, a site's data or a
 * payload. Workspace names do appear (they are in every client's URL, not secrets). JSON by default
 * (as it always was); the Prometheus text format for scrapers ({@link #wantsPrometheus}). Each
 * instance reports its own.
 */
final class HubMetrics {
  private static final ObjectMapper JSON = new ObjectMapper();

  private HubMetrics() {}

  /**
   * Whether to answer in the Prometheus text format: {@code ?format=prometheus}, or an {@code
   * Accept} header that asks for {@code text/plain} or {@code application/openmetrics-text} (what
   * Prometheus sends) and not for {@code application/json}. Anything else, no header and {@code
   * *}{@code /*} included, keeps the JSON current callers read.
   *
   * @throws IllegalArgumentException for another {@code format}
   */
  static boolean wantsPrometheus(String format, String accept) {
    if (format != null) {
      if (format.equals("prometheus") || format.equals("json")) {
        return format.equals("prometheus");
      }
      throw new IllegalArgumentException("format must be json or prometheus");
    }
    String asked = accept == null ? "" : accept.toLowerCase(java.util.Locale.ROOT);
    return (asked.contains("text/plain") || asked.contains("application/openmetrics-text"))
        && !asked.contains("application/json");
  }

  /** The Prometheus text format: this instance's gauges and counters, labelled by workspace. */
  static String prometheus(
      List<Workspace> workspaces, long startedAtMillis, boolean storeUp, boolean draining) {
    List<Workspace> byName = // a stable order: one scrape reads like the last
        workspaces.stream().sorted(java.util.Comparator.comparing(Workspace::name)).toList();
    PrometheusText text = new PrometheusText();
    text.metric("chora_hub_start_time_seconds", "gauge", "When this hub instance started (Unix).")
        .sample("chora_hub_start_time_seconds", startedAtMillis / 1000.0);
    text.metric("chora_hub_store_up", "gauge", "1 if the store answers, 0 if not (see /health).")
        .sample("chora_hub_store_up", storeUp ? 1 : 0);
    text.metric("chora_hub_draining", "gauge", "1 while this instance stops and sends clients on.")
        .sample("chora_hub_draining", draining ? 1 : 0);
    String clients = "chora_hub_connected_clients";
    text.metric(clients, "gauge", "WebSocket clients connected to this instance.");
    byName.forEach(w -> text.sample(clients, w.connectedClients(), "workspace", w.name()));
    String log = "chora_hub_log_envelopes";
    text.metric(log, "gauge", "Envelopes in the workspace's log, as this instance knows it.");
    byName.forEach(w -> text.sample(log, w.storedCount(), "workspace", w.name()));
    String bytes = "chora_hub_store_bytes";
    text.metric(bytes, "gauge", "Bytes the workspace's log takes in the store.");
    byName.forEach(w -> text.sample(bytes, w.store().sizeBytes(), "workspace", w.name()));
    String pushes = "chora_hub_pushes_total";
    text.metric(
        pushes,
        "counter",
        "Pushes this instance decided since it started: stored, duplicate (acknowledged again),"
            + " refused (nacked, or for a site bound to another device).");
    for (Workspace w : byName) {
      PushCounters counts = w.counters();
      text.sample(pushes, counts.stored(), "workspace", w.name(), "outcome", "stored");
      text.sample(pushes, counts.duplicates(), "workspace", w.name(), "outcome", "duplicate");
      text.sample(pushes, counts.refused(), "workspace", w.name(), "outcome", "refused");
    }
    String failures = "chora_hub_store_failures_total";
    text.metric(
        failures,
        "counter",
        "Group commits this instance could not store (none of their pushes was acknowledged).");
    byName.forEach(w -> text.sample(failures, w.counters().storeFailures(), "workspace", w.name()));
    return text.toString();
  }

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
