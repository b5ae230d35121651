package io.chora.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.websocket.WsContext;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hub that breaks the protocol on purpose, for the client's side of the bounds: on its first
 * connection it answers as {@link Misbehaviour} says (a bad welcome, envelope, ack, or an oversized
 * frame); every later connection waits for {@link #beHonest()}, then welcomes the client with an
 * empty hub clock, records its pushes and acknowledges them. Binds 127.0.0.1; every wait is
 * bounded.
 */
final class FakeHub implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** What the first connection is answered; each returns the frames to send. */
  interface Misbehaviour {
    List<String> onHello(JsonNode hello);

    default List<String> onPush(JsonNode push) {
      return List.of(); // never acknowledged: the client's work stays pending
    }
  }

  private final Javalin app;
  private final AtomicInteger connections = new AtomicInteger();
  private final CountDownLatch honest = new CountDownLatch(1);
  final BlockingQueue<JsonNode> honestPushes = new LinkedBlockingQueue<>();

  FakeHub(Misbehaviour misbehaviour) {
    app =
        Javalin.create(
            config -> {
              config.startup.showJavalinBanner = false;
              config.jetty.host = "127.0.0.1";
              config.jetty.port = 0;
              config.jetty.modifyWebSocketServletFactory(
                  factory -> factory.setMaxTextMessageSize(1 << 20));
              config.routes.ws(
                  "/v1/{workspace}",
                  ws -> {
                    ws.onConnect(ctx -> ctx.attribute("n", connections.incrementAndGet()));
                    ws.onMessage(
                        ctx -> {
                          JsonNode message = JSON.readTree(ctx.message());
                          int n = ctx.attribute("n");
                          answer(ctx, message, n == 1 ? misbehaviour : null);
                        });
                  });
            });
    app.start();
  }

  int port() {
    return app.port();
  }

  /** Connections from now on are served honestly. */
  void beHonest() {
    honest.countDown();
  }

  private void answer(WsContext ctx, JsonNode message, Misbehaviour bad) throws Exception {
    String type = message.path("type").asText();
    if (type.equals("ping")) {
      ctx.send("{\"type\":\"pong\",\"nonce\":" + message.path("nonce") + "}");
    } else if (bad != null && type.equals("hello")) {
      bad.onHello(message).forEach(ctx::send);
    } else if (bad != null && type.equals("push")) {
      bad.onPush(message).forEach(ctx::send);
    } else if (type.equals("hello")) {
      if (!honest.await(20, TimeUnit.SECONDS)) {
        ctx.closeSession(1011, "the test never let the fake hub be honest");
        return;
      }
      ctx.send("{\"type\":\"welcome\",\"version\":1,\"hubClock\":{}}");
      ctx.send("{\"type\":\"caughtUp\",\"hubClock\":{}}");
    } else if (type.equals("push")) {
      honestPushes.add(message);
      ctx.send(
          "{\"type\":\"ack\",\"origin\":"
              + message.path("origin")
              + ",\"last\":"
              + message.path("last")
              + "}");
    }
  }

  @Override
  public void close() {
    app.stop();
  }
}
