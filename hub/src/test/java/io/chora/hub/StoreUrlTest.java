package io.chora.hub;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A store URL's password never reaches a log line, and only PostgreSQL URLs are stores. */
class StoreUrlTest {
  @Test
  void thePasswordIsMaskedWhereverTheConfigIsPrinted() {
    StoreUrl url =
        new StoreUrl("jdbc:postgresql://db:5432/hub?user=hub&password=s3cret&ssl=true", null);
    HubConfig config = HubConfig.of(Path.of("d"), Map.of()).withStore(url);
    assertThat(config.toString()).contains("password=***&ssl=true").doesNotContain("s3cret");
    assertThat(url.toString()).doesNotContain("s3cret");
  }

  /** With a store the hub keeps nothing on local disk (CliIT runs one so); without, it must. */
  @Test
  void aConfigOnAStoreNeedsNoDataDirectoryAndOneWithoutAStoreDoes() {
    StoreUrl url = new StoreUrl("jdbc:postgresql://db:5432/hub?user=hub", null);
    HubConfig onStore = HubConfig.of(url, Map.of("team", "team-token-0123456789"));
    assertThat(onStore.dataDir()).isNull();
    assertThat(onStore.store()).isEqualTo(url);
    assertThat(onStore.tokens()).containsKey("team");
    assertThatThrownBy(() -> onStore.withStore(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("dataDir");
  }

  @Test
  void anythingButPostgresqlIsRefusedClearly() {
    assertThatThrownBy(() -> new StoreUrl("jdbc:mysql://db/hub?password=x", null))
        .hasMessageContaining("jdbc:postgresql://")
        .hasMessageNotContaining("password=x");
  }
}
