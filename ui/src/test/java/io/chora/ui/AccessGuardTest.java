package io.chora.ui;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The pieces of access control that need no server. */
class AccessGuardTest {
  @Test
  void secretsCompareWholeValues() {
    assertThat(Secrets.matches("abc", "abc")).isTrue();
    assertThat(Secrets.matches("abc", "abd")).isFalse();
    assertThat(Secrets.matches("abc", "abcd")).isFalse();
    assertThat(Secrets.matches(null, "abc")).isFalse();
    assertThat(Secrets.randomToken()).hasSize(43).isNotEqualTo(Secrets.randomToken());
  }

  @Test
  void loopbackNamesAreRecognisedWithoutDns() {
    assertThat(AccessGuard.hostName("LOCALHOST:8080")).isEqualTo("localhost");
    assertThat(AccessGuard.hostName("[::1]:8080")).isEqualTo("::1");
    assertThat(AccessGuard.isLoopbackName("127.0.0.1")).isTrue();
    assertThat(AccessGuard.isLoopbackName("app.localhost")).isTrue();
    assertThat(AccessGuard.isLoopbackName("::1")).isTrue();
    assertThat(AccessGuard.isLoopbackName("127.0.0.1.evil.example")).isFalse();
    assertThat(AccessGuard.isLoopbackName("localhost.evil.example")).isFalse();
    assertThat(AccessGuard.isLoopbackName(null)).isFalse();
  }
}
