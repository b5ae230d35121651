package io.chora.spring.boot;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * {@code chora.*} settings of a Spring Boot application: each is one of the driver's URL options
 * (README.md, "Use it"), passed to it through the pool, plus the starter's own conflict page. A
 * setting left out leaves the driver's default; an option written in {@code spring.datasource.url}
 * itself wins over the one here, as the driver lets the URL win over connection properties.
 */
@ConfigurationProperties(prefix = "chora")
public class ChoraProperties {
  /**
   * Site id of this replica, used on first open (driver option chora.site; default: a random UUID
   * stored in the database). 1-64 letters, digits, '.', '_', ':' or '-'.
   */
  private String site;

  /** Capture engine (driver option chora.mode): java (triggers and a change log) or crsqlite. */
  private Mode mode;

  /**
   * Tables to track (driver option chora.tables; default: every table with a primary key except the
   * migration tools' history tables).
   */
  private List<String> tables = new ArrayList<>();

  /**
   * Counting columns as table.column (driver option chora.counters): increments made on different
   * replicas add up.
   */
  private List<String> counters = new ArrayList<>();

  /**
   * Largest value a received change set may carry (driver option chora.maxValueBytes; default
   * 16MB).
   */
  private DataSize maxValueBytes;

  /**
   * This device's age identity file: hub payloads are encrypted end to end (driver option
   * chora.encrypt; needs chora.hub.url).
   */
  private Path encrypt;

  /**
   * The workspace members' age recipients file (driver option chora.recipients; default: the
   * identity's own key; needs chora.encrypt).
   */
  private Path recipients;

  private final Hub hub = new Hub();

  private final ConflictPage conflictPage = new ConflictPage();

  /** The capture engines the driver has. */
  public enum Mode {
    /** Triggers and a change log (the driver's default). */
    JAVA,
    /** cr-sqlite's CRRs underneath the same API. */
    CRSQLITE
  }

  /** Live sync through a hub (docs/hub.md). */
  public static class Hub {
    /**
     * The hub's ws://HOST:PORT/WORKSPACE or wss:// address, or a comma-separated list of one hub's
     * instances (driver option chora.hub).
     */
    private String url;

    /**
     * This device's token on the hub (driver option chora.hub.token). Prefer token-file, which
     * keeps it out of the environment and the configuration.
     */
    private String token;

    /**
     * A file holding this device's token on the hub, read once at startup (leading and trailing
     * white space dropped); the token goes to the driver as chora.hub.token.
     */
    private Path tokenFile;

    public String getUrl() {
      return url;
    }

    public void setUrl(String url) {
      this.url = url;
    }

    public String getToken() {
      return token;
    }

    public void setToken(String token) {
      this.token = token;
    }

    public Path getTokenFile() {
      return tokenFile;
    }

    public void setTokenFile(Path tokenFile) {
      this.tokenFile = tokenFile;
    }
  }

  /** The conflict page (docs/conflict-page.md) on the application's own server. */
  public static class ConflictPage {
    /**
     * Whether to serve the conflict page (needs io.chora:chora-ui and a servlet web application).
     * It reads and changes the data: secure its path in the application's security chain.
     */
    private boolean enabled = false;

    /** Path the page is served under, e.g. /admin/conflicts. */
    private String path = "/chora/conflicts";

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }

    public String getPath() {
      return path;
    }

    public void setPath(String path) {
      this.path = path;
    }
  }

  public String getSite() {
    return site;
  }

  public void setSite(String site) {
    this.site = site;
  }

  public Mode getMode() {
    return mode;
  }

  public void setMode(Mode mode) {
    this.mode = mode;
  }

  public List<String> getTables() {
    return tables;
  }

  public void setTables(List<String> tables) {
    this.tables = tables;
  }

  public List<String> getCounters() {
    return counters;
  }

  public void setCounters(List<String> counters) {
    this.counters = counters;
  }

  public DataSize getMaxValueBytes() {
    return maxValueBytes;
  }

  public void setMaxValueBytes(DataSize maxValueBytes) {
    this.maxValueBytes = maxValueBytes;
  }

  public Path getEncrypt() {
    return encrypt;
  }

  public void setEncrypt(Path encrypt) {
    this.encrypt = encrypt;
  }

  public Path getRecipients() {
    return recipients;
  }

  public void setRecipients(Path recipients) {
    this.recipients = recipients;
  }

  public Hub getHub() {
    return hub;
  }

  public ConflictPage getConflictPage() {
    return conflictPage;
  }
}
