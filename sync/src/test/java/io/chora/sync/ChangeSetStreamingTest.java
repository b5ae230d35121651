package io.chora.sync;

import static io.chora.sync.Fixtures.clock;
import static io.chora.sync.Fixtures.delete;
import static io.chora.sync.Fixtures.insert;
import static io.chora.sync.Fixtures.key;
import static io.chora.sync.Fixtures.row;
import static io.chora.sync.Fixtures.tx;
import static io.chora.sync.Fixtures.update;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.junit.jupiter.api.Test;

class ChangeSetStreamingTest {
  private static final VectorClock CLOCK = clock("{a=3, b=1}");
  private static final List<Transaction> TXS =
      List.of(
          tx("a", 1, insert("item", key(1L), row("id", 1L, "name", "one"))),
          tx("b", 1, update("item", key(1L), row("name", "uno")), delete("item", key(2L))),
          tx("a", 2),
          tx("a", 3, insert("item", key(3L), row("id", 3L, "data", new byte[] {9}))));

  /** Remembers whether close() was called. */
  private static final class TrackingOut extends ByteArrayOutputStream {
    boolean closed;

    @Override
    public void close() {
      closed = true;
    }
  }

  private static final class TrackingIn extends ByteArrayInputStream {
    boolean closed;

    TrackingIn(byte[] bytes) {
      super(bytes);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  private static byte[] written(List<Transaction> txs) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ChangeSetWriter writer = new ChangeSetWriter(out, "a", CLOCK)) {
      for (Transaction t : txs) {
        writer.write(t);
      }
    }
    return out.toByteArray();
  }

  @Test
  void writerOutputIsWhatChangeSetWrites() throws IOException {
    String streamed = new String(written(TXS), StandardCharsets.UTF_8);
    assertThat(streamed).isEqualTo(new ChangeSet("a", CLOCK, TXS).toJson());
  }

  @Test
  void readerHandsBackOneTransactionAtATime() throws IOException {
    try (ChangeSetReader reader = new ChangeSetReader(new ByteArrayInputStream(written(TXS)))) {
      assertThat(reader.site()).isEqualTo("a");
      assertThat(reader.clock()).isEqualTo(CLOCK);
      List<Transaction> read = new ArrayList<>();
      while (reader.hasNext()) {
        read.add(reader.next());
      }
      assertThat(read).isEqualTo(TXS);
      assertThat(reader.hasNext()).isFalse();
      assertThatThrownBy(reader::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void hasNextCanBeAskedRepeatedly() throws IOException {
    try (ChangeSetReader reader = new ChangeSetReader(new ByteArrayInputStream(written(TXS)))) {
      for (Transaction expected : TXS) {
        assertThat(reader.hasNext()).isTrue();
        assertThat(reader.hasNext()).isTrue();
        assertThat(reader.next()).isEqualTo(expected);
      }
      assertThat(reader.hasNext()).isFalse();
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void nextWithoutHasNextIsRefused() throws IOException {
    try (ChangeSetReader reader = new ChangeSetReader(new ByteArrayInputStream(written(TXS)))) {
      assertThatThrownBy(reader::next).isInstanceOf(NoSuchElementException.class);
    }
  }

  @Test
  void anEmptyStreamedSetHasNoTransactions() throws IOException {
    try (ChangeSetReader reader =
        new ChangeSetReader(new ByteArrayInputStream(written(List.of())))) {
      assertThat(reader.clock()).isEqualTo(CLOCK);
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void readerParsesLazilySoEarlierTransactionsArriveBeforeABrokenTail() throws IOException {
    String whole = new String(written(TXS.subList(0, 2)), StandardCharsets.UTF_8);
    int secondTx = whole.indexOf("{\"site\":\"b\"");
    String broken = whole.substring(0, secondTx) + "{\"site\":\"b\",\"seq\":0,\"hlc\":1,\"chan";

    try (ChangeSetReader reader =
        new ChangeSetReader(new ByteArrayInputStream(broken.getBytes(StandardCharsets.UTF_8)))) {
      assertThat(reader.hasNext()).isTrue();
      assertThat(reader.next()).isEqualTo(TXS.get(0));
      assertThatThrownBy(() -> reader.next())
          .isInstanceOf(NoSuchElementException.class); // must ask hasNext() first
      assertThat(reader.hasNext()).isTrue();
      assertThatThrownBy(reader::next)
          .isInstanceOf(ChangeSetFormatException.class)
          .hasMessageContaining("malformed change set");
    }
  }

  @Test
  void writerAndReaderLeaveTheUnderlyingStreamsOpen() throws IOException {
    TrackingOut out = new TrackingOut();
    new ChangeSet("a", CLOCK, TXS).writeTo(out);
    assertThat(out.closed).isFalse();
    assertThat(out.size()).isPositive();

    TrackingIn in = new TrackingIn(out.toByteArray());
    ChangeSet back = ChangeSet.readFrom(in);
    assertThat(in.closed).isFalse();
    assertThat(back.transactions()).isEqualTo(TXS);
  }

  @Test
  void writerFlushesOnCloseWithoutClosing() throws IOException {
    TrackingOut out = new TrackingOut();
    ChangeSetWriter writer = new ChangeSetWriter(out, "a", CLOCK);
    writer.write(TXS.get(0));
    writer.close();
    assertThat(out.closed).isFalse();
    assertThat(ChangeSet.fromJson(out.toString(StandardCharsets.UTF_8)).transactions())
        .containsExactly(TXS.get(0));
  }

  @Test
  void manyTransactionsStreamInOrder() throws IOException {
    List<Transaction> many = new ArrayList<>();
    for (int i = 1; i <= 2_000; i++) {
      many.add(tx("a", i, insert("t", key((long) i), row("v", "row " + i, "r", i / 7.0))));
    }
    ChangeSet back = ChangeSet.readFrom(new ByteArrayInputStream(written(many)));
    assertThat(back.transactions()).isEqualTo(many);
    assertThat(back.size()).isEqualTo(2_000);
  }
}
