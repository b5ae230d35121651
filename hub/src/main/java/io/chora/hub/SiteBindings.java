package io.chora.hub;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A workspace's sites and the credential each is bound to: the one whose push first stored an
 * envelope of it. A hello as a site bound to another credential is refused, and so is a push for
 * one; so a device writes only as itself. Sites stored before the hub kept bindings are bound at
 * their next stored push.
 */
final class SiteBindings {
  private final Map<String, String> owners = new ConcurrentHashMap<>();

  SiteBindings(Map<String, String> stored) {
    owners.putAll(stored);
  }

  /** The credential id {@code site} is bound to, or null. */
  String owner(String site) {
    return owners.get(site);
  }

  /** Records bindings just committed to the log. */
  void addAll(Map<String, String> committed) {
    owners.putAll(committed);
  }

  /**
   * Why {@code credential} may not say this hello, or null. Its site must not be bound to another
   * credential; a former site bound to another may be named only if the hub already holds all the
   * hello's clock holds of it, so that the client has nothing of it to push (a replica copied to
   * another device names the site it was copied from).
   */
  String helloRefusal(
      Credential credential,
      String site,
      Set<String> former,
      Map<String, Long> clientClock,
      Map<String, Long> hubClock) {
    if (boundElsewhere(credential, site, Map.of())) {
      return refusal(site);
    }
    for (String formerSite : former) {
      if (boundElsewhere(credential, formerSite, Map.of())
          && clientClock.getOrDefault(formerSite, 0L) > hubClock.getOrDefault(formerSite, 0L)) {
        return refusal(formerSite);
      }
    }
    return null;
  }

  /**
   * Whether {@code site} belongs to another credential than {@code credential}, counting {@code
   * pending}: bindings about to be committed.
   */
  boolean boundElsewhere(Credential credential, String site, Map<String, String> pending) {
    String owner = pending.getOrDefault(site, owners.get(site));
    return owner != null && !owner.equals(credential.id());
  }

  /** The close reason for a hello or push as a site bound to another credential. */
  static String refusal(String site) {
    return "bound: site "
        + Reasons.quote(site)
        + " is bound to another token; a device writes only as itself";
  }
}
