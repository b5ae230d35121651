package io.chora.hub;

import java.io.IOException;

/** Another hub holds the data directory's lock ({@link HubLock}): it runs on these logs now. */
public final class HubRunning extends IOException {
  HubRunning(String message) {
    super(message);
  }
}
