package io.chora.ui;

import static org.assertj.core.api.Assertions.assertThat;

import io.chora.sync.Conflict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/** The page in real headless Chromium, against replicas the test keeps writing to. */
@Timeout(60)
class ConflictPageBrowserTest {
  private static final By CARDS = By.cssSelector("#conflict-list .conflict");
  private static final By EMPTY_STATE = By.id("empty-state");
  private static ChromeDriver browser;

  @TempDir Path dir;
  private Replica laptop;
  private Replica phone;
  private ConflictUi ui;

  @BeforeAll
  static void startBrowser() {
    if (!Browser.isInstalled()) { // a missing browser fails the run, never skips it
      throw new IllegalStateException(
          "the browser tests need /usr/bin/chromium and /usr/bin/chromedriver"
              + " (apt-get install chromium chromium-driver; .ci/run installs them)");
    }
    browser = Browser.start();
  }

  @AfterAll
  static void quitBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void start() throws Exception {
    browser.manage().window().setSize(new Dimension(1280, 1000));
    laptop = Replica.open(dir, "laptop");
    phone = Replica.open(dir, "phone");
    ui =
        ConflictUi.start(laptop.url, UiOptions.defaults().withPollInterval(Duration.ofMillis(250)));
  }

  @AfterEach
  void stop() throws Exception {
    ui.close();
    laptop.close();
    phone.close();
  }

  private WebDriverWait waitUpTo(int seconds) {
    return new WebDriverWait(browser, Duration.ofSeconds(seconds));
  }

  private WebElement card(long id) {
    return waitUpTo(5)
        .until(
            ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector(".conflict[data-id='" + id + "']")));
  }

  @Test
  void restoringOnThePageWritesTheLostValueWhichReachesThePeer() throws Exception {
    laptop.concurrentTitles(phone, 1, "groceries for the weekend", "GROCERIES");
    Conflict conflict = laptop.chora().conflicts().get(0);
    browser.get(ui.url());

    WebElement card = card(conflict.id());
    assertThat(card.findElement(By.cssSelector(".side.kept .value")).getText())
        .isEqualTo(conflict.kept());
    assertThat(card.findElement(By.cssSelector(".side.lost .value")).getText())
        .isEqualTo(conflict.lost());
    assertThat(card.getText()).contains(conflict.lostDot().toString(), "note", "title");
    card.findElement(By.cssSelector("button.restore")).click();

    waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(EMPTY_STATE));
    assertThat(browser.findElement(EMPTY_STATE).getText())
        .contains("No conflicts — every merge so far agreed");
    assertThat(laptop.title(1)).isEqualTo(conflict.lost());
    laptop.syncWith(phone);
    assertThat(phone.title(1)).isEqualTo(conflict.lost());
  }

  @Test
  void dismissingOnThePageKeepsTheWinner() throws Exception {
    laptop.concurrentTitles(phone, 1, "mine", "theirs");
    Conflict conflict = laptop.chora().conflicts().get(0);
    browser.get(ui.url());

    card(conflict.id()).findElement(By.cssSelector("button.dismiss")).click();

    waitUpTo(5).until(ExpectedConditions.invisibilityOfElementLocated(CARDS));
    assertThat(laptop.chora().conflicts()).isEmpty();
    assertThat(laptop.title(1)).isEqualTo(conflict.kept());
  }

  @Test
  void aRemovedRowIsShownWholeAndARefusedRestoreSaysWhy() throws Exception {
    laptop.exec("INSERT INTO person(id, email, name) VALUES (10, 'ada@example.com', 'Ada')");
    phone.exec("INSERT INTO person(id, email, name) VALUES (20, 'ada@example.com', 'Lovelace')");
    phone.syncWith(laptop); // the laptop removes the phone's newer claim of the address
    Conflict conflict = laptop.chora().conflicts().get(0);
    browser.get(ui.url());

    WebElement card = card(conflict.id());
    assertThat(card.findElement(By.cssSelector(".badge")).getText())
        .isEqualTo("UNIQUE(email) · row removed");
    assertThat(card.findElement(By.cssSelector(".lost-row")).getText())
        .contains("email ada@example.com", "name Lovelace");
    card.findElement(By.cssSelector("button.restore")).click();

    WebElement toast =
        waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("toast")));
    assertThat(toast.getAttribute("class")).contains("error");
    assertThat(toast.getText()).contains("SQLite refused");
    assertThat(card(conflict.id()).findElement(By.cssSelector("button.restore")).isEnabled())
        .isTrue();
    assertThat(laptop.value("SELECT count(*) FROM person")).isEqualTo(1);
  }

  @Test
  void envelopesHeldBackShowAboveTheConflictsAndGoWhenTheyApply() throws Exception {
    browser.get(ui.url());
    waitUpTo(5).until(ExpectedConditions.textToBe(By.id("site"), "laptop"));
    assertThat(browser.findElement(By.id("held-back")).isDisplayed()).isFalse();

    var replica = laptop.chora().unwrap(io.chora.jdbc.shared.ReplicaConnection.class);
    replica.quarantine(
        new io.chora.jdbc.shared.QuarantineTable.Kept("mallory", 1, 1, "{}", "Z2FyYmFnZQ=="),
        "cannot read it: <img src=x onerror=\"window.pwned=3\">",
        null);
    replica.quarantine(
        new io.chora.jdbc.shared.QuarantineTable.Kept("mallory", 2, 2, "{}", "Z2FyYmFnZQ=="),
        "waits for mallory 1..1, which is held back",
        "mallory 1..1");

    WebElement held =
        waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("held-back")));
    assertThat(held.findElement(By.id("held-back-total")).getText()).isEqualTo("2");
    List<String> items =
        held.findElements(By.cssSelector("#held-back-list li")).stream()
            .map(WebElement::getText)
            .toList();
    assertThat(items.get(0))
        .startsWith("mallory 1..1 cannot read it: <img src=x onerror=\"window.pwned=3\">");
    assertThat(items.get(1)).startsWith("mallory 2..2 waits for mallory 1..1");
    assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);

    replica.releaseQuarantined("mallory", 1);
    replica.releaseQuarantined("mallory", 2);
    waitUpTo(5).until(ExpectedConditions.invisibilityOfElementLocated(By.id("held-back")));
  }

  @Test
  void markupInACellIsShownAsTextAndNeverRuns() throws Exception {
    String script = "<script>window.pwned=1</script>";
    String image = "<img src=x onerror=\"window.pwned=2\">";
    laptop.concurrentTitles(phone, 1, script, image);
    laptop.exec("UPDATE note SET title = ? WHERE id = 1", "<b>bold</b>"); // no conflict: later
    Conflict conflict = laptop.chora().conflicts().get(0);
    browser.get(ui.url());

    WebElement card = card(conflict.id());
    List<String> shown =
        card.findElements(By.cssSelector(".value")).stream().map(WebElement::getText).toList();
    assertThat(shown).containsExactlyInAnyOrder(script, image);
    assertThat(browser.findElements(By.cssSelector("#conflict-list script, #conflict-list img")))
        .isEmpty();
    assertThat(browser.executeScript("return window.pwned === undefined")).isEqualTo(true);
  }

  @Test
  void pagesThroughManyConflictsAndFiltersByTable() throws Exception {
    laptop.concurrentEdits(phone, "note", 1, 120);
    laptop.concurrentEdits(phone, "tag", 1, 3);
    browser.get(ui.url());

    WebElement info = browser.findElement(By.id("page-info"));
    waitUpTo(5).until(ExpectedConditions.textToBePresentInElement(info, "1–20 of 123"));
    assertThat(browser.findElements(CARDS)).hasSize(20);
    String firstOnPageOne = browser.findElements(CARDS).get(0).getAttribute("data-id");
    assertThat(browser.findElement(By.id("page-prev")).isEnabled()).isFalse();

    for (int page = 2; page <= 7; page++) {
      browser.findElement(By.id("page-next")).click();
      String expected = (page - 1) * 20 + 1 + "–" + Math.min(page * 20, 123) + " of 123";
      waitUpTo(5).until(ExpectedConditions.textToBePresentInElement(info, expected));
    }
    assertThat(browser.findElements(CARDS)).hasSize(3);
    assertThat(browser.findElement(By.id("page-next")).isEnabled()).isFalse();
    assertThat(browser.findElements(CARDS).get(0).getAttribute("data-id"))
        .isNotEqualTo(firstOnPageOne);

    new Select(browser.findElement(By.id("filter-table"))).selectByValue("tag");
    waitUpTo(5).until(ExpectedConditions.textToBe(By.id("conflict-total"), "3"));
    waitUpTo(5).until(ExpectedConditions.numberOfElementsToBe(CARDS, 3));
    assertThat(browser.findElements(CARDS))
        .allSatisfy(c -> assertThat(c.getText()).startsWith("tag"));
  }

  @Test
  void aNewConflictAppearsWithoutReloading() throws Exception {
    browser.get(ui.url());
    waitUpTo(5).until(ExpectedConditions.visibilityOfElementLocated(EMPTY_STATE));
    assertThat(browser.findElement(EMPTY_STATE).getText())
        .contains("No conflicts — every merge so far agreed");
    browser.executeScript("window.sameDocument = true");

    laptop.concurrentTitles(phone, 7, "laptop's idea", "phone's idea");

    card(laptop.chora().conflicts().get(0).id());
    waitUpTo(5).until(ExpectedConditions.textToBe(By.id("stat-open"), "1"));
    assertThat(browser.executeScript("return window.sameDocument")).isEqualTo(true);
    assertThat(browser.findElements(By.cssSelector("#timeline svg circle"))).isNotEmpty();
  }

  @Test
  void screenshotOfAReplicaWithAFewConflicts() throws Exception {
    try (Replica tablet = Replica.open(dir, "tablet")) {
      DocsScenario.build(laptop, phone, tablet);
      browser.get(ui.url());
      waitUpTo(5).until(ExpectedConditions.numberOfElementsToBe(CARDS, 4));
      waitUpTo(5).until(ExpectedConditions.textToBe(By.id("stat-peers"), "2"));

      save(wholePage(1280, false), Path.of("../docs/conflict-ui.png"));
      // not for the docs: a look at the phone layout
      save(wholePage(390, true), Path.of("target/conflict-ui-phone.png"));
    }
  }

  /** A screenshot of the whole page at {@code width} CSS pixels, however tall it is. */
  private static byte[] wholePage(int width, boolean mobile) {
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", 800, "deviceScaleFactor", 1, "mobile", mobile));
    Number height = (Number) browser.executeScript("return document.documentElement.scrollHeight");
    browser.executeCdpCommand(
        "Emulation.setDeviceMetricsOverride",
        Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", mobile));
    try {
      return browser.getScreenshotAs(OutputType.BYTES);
    } finally {
      browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }
  }

  private static void save(byte[] png, Path path) throws Exception {
    Files.createDirectories(path.toAbsolutePath().getParent());
    Files.write(path, png);
  }
}
