package io.chora.hub;

import static io.chora.hub.TestHubs.TEAM;
import static io.chora.hub.TestHubs.TEAM_TOKEN;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With a keystore the hub serves {@code wss://}; the token check is the same. */
class TlsTest {
  private static final String PASSWORD = "keystore-secret";

  @TempDir Path dataDir;

  @Test
  void aHubWithAKeystoreServesWss() throws Exception {
    Path keystore = selfSignedKeystore(dataDir.resolve("hub.p12"));
    try (HubServer hub =
        TestHubs.start(dataDir, config -> config.withKeystore(keystore, PASSWORD))) {
      assertThat(hub.url()).startsWith("wss://127.0.0.1:");
      HttpClient trusting = HttpClient.newBuilder().sslContext(trusting(keystore)).build();
      try (TestClient laptop = TestClient.connect(trusting, hub.url(), TEAM, TEAM_TOKEN, true)) {
        assertThat(laptop.join("laptop", Map.of())).isEmpty();
        assertThat(laptop.pushAndAwait("laptop", 1, 1, Map.of()).path("type").asText())
            .isEqualTo("ack");
      }
    }
  }

  /** A key and certificate for 127.0.0.1, made with the JDK's keytool. */
  private static Path selfSignedKeystore(Path file) throws Exception {
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    Process process =
        new ProcessBuilder(
                keytool,
                "-genkeypair",
                "-alias",
                "hub",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=127.0.0.1",
                "-ext",
                "SAN=ip:127.0.0.1",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                file.toString(),
                "-storepass",
                PASSWORD,
                "-keypass",
                PASSWORD)
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes());
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(Files.size(file)).isPositive();
    return file;
  }

  private static SSLContext trusting(Path keystore) throws Exception {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keystore)) {
      store.load(in, PASSWORD.toCharArray());
    }
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(store);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, trust.getTrustManagers(), null);
    return tls;
  }
}
