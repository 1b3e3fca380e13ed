package dev.geofence.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One streamed answer of {@code POST /v1/messages} with {@code "stream": true}: Server-Sent Events
 * in the Messages API's shape ({@code message_start}, {@code content_block_start}, {@code ping},
 * {@code content_block_delta} per word, {@code content_block_stop}, {@code message_delta}, {@code
 * message_stop}), written without blocking through a {@link WriteListener} and paced like a model's
 * output: the events before the text at once, then one every {@code pace}.
 *
 * <p>Two threads drive it: the pacer, which makes the next event due, and the container, which says
 * when the stream takes more ({@code onWritePossible}); both end in {@link #send()}, which is
 * synchronized, so one thread at a time writes.
 */
final class MessageStream implements WriteListener {

  private final AsyncContext async;
  private final ServletOutputStream out;
  private final Deque<byte[]> later = new ArrayDeque<>(); // not yet due
  private final Deque<byte[]> due = new ArrayDeque<>();
  private boolean flushPending;
  private boolean done;
  private ScheduledFuture<?> pacing;

  private MessageStream(AsyncContext async, ServletOutputStream out, List<byte[]> events) {
    this.async = async;
    this.out = out;
    later.addAll(events);
  }

  /**
   * Starts streaming the answer for {@code model} on an asynchronous request.
   *
   * @param async the request's asynchronous context
   * @param response the response the servlet was given
   */
  static void start(
      ObjectMapper json,
      AsyncContext async,
      HttpServletResponse response,
      String id,
      String model,
      String text,
      ScheduledExecutorService pacer,
      Duration pace)
      throws IOException {
    response.setStatus(200);
    response.setContentType("text/event-stream");
    response.setCharacterEncoding("UTF-8");
    response.setHeader("Cache-Control", "no-cache");
    List<byte[]> events = events(json, id, model, text);
    MessageStream stream = new MessageStream(async, response.getOutputStream(), events);
    synchronized (stream) {
      // message_start, content_block_start and ping are due at once; each later event one pace on.
      for (int i = 0; i < 3; i++) {
        stream.due.add(stream.later.poll());
      }
      // Fixed delay, not fixed rate: a pacer held up by a busy machine goes on at the pace
      // instead of catching up with a burst of events.
      stream.pacing =
          pacer.scheduleWithFixedDelay(
              stream::nextIsDue, pace.toMillis(), pace.toMillis(), TimeUnit.MILLISECONDS);
    }
    stream.out.setWriteListener(stream);
  }

  private static List<byte[]> events(ObjectMapper json, String id, String model, String text) {
    List<byte[]> events = new ArrayList<>();
    ObjectNode start = json.createObjectNode().put("type", "message_start");
    ObjectNode message =
        start
            .putObject("message")
            .put("id", id)
            .put("type", "message")
            .put("role", "assistant")
            .put("model", model);
    message.putArray("content");
    message.putNull("stop_reason");
    message.putNull("stop_sequence");
    message.putObject("usage").put("input_tokens", 12).put("output_tokens", 1);
    events.add(event(json, "message_start", start));
    ObjectNode blockStart =
        json.createObjectNode().put("type", "content_block_start").put("index", 0);
    blockStart.putObject("content_block").put("type", "text").put("text", "");
    events.add(event(json, "content_block_start", blockStart));
    events.add(event(json, "ping", json.createObjectNode().put("type", "ping")));
    String[] words = text.split(" ");
    for (int i = 0; i < words.length; i++) {
      ObjectNode delta = json.createObjectNode().put("type", "content_block_delta").put("index", 0);
      delta
          .putObject("delta")
          .put("type", "text_delta")
          .put("text", (i == 0 ? "" : " ") + words[i]);
      events.add(event(json, "content_block_delta", delta));
    }
    events.add(
        event(
            json,
            "content_block_stop",
            json.createObjectNode().put("type", "content_block_stop").put("index", 0)));
    ObjectNode messageDelta = json.createObjectNode().put("type", "message_delta");
    messageDelta.putObject("delta").put("stop_reason", "end_turn").putNull("stop_sequence");
    messageDelta.putObject("usage").put("output_tokens", words.length);
    events.add(event(json, "message_delta", messageDelta));
    events.add(event(json, "message_stop", json.createObjectNode().put("type", "message_stop")));
    return events;
  }

  private static byte[] event(ObjectMapper json, String name, ObjectNode data) {
    try {
      return ("event: " + name + "\ndata: " + json.writeValueAsString(data) + "\n\n")
          .getBytes(StandardCharsets.UTF_8);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The pacer's tick: the next event is due. */
  private void nextIsDue() {
    synchronized (this) {
      if (!later.isEmpty()) {
        due.add(later.poll());
      }
    }
    send();
  }

  @Override
  public void onWritePossible() {
    send();
  }

  @Override
  public void onError(Throwable t) {
    // The caller went away: stop pacing and end the request.
    finish();
    completeQuietly();
  }

  /**
   * Writes what is due while the stream takes it, each event flushed so that it leaves now; once
   * everything is written, completes the answer. A stream that is not ready calls {@code
   * onWritePossible} later, so returning then loses nothing.
   */
  private synchronized void send() {
    if (done) {
      return;
    }
    try {
      while (true) {
        if (!out.isReady()) {
          return;
        }
        if (flushPending) {
          flushPending = false;
          out.flush();
          continue;
        }
        byte[] next = due.poll();
        if (next == null) {
          break;
        }
        out.write(next);
        flushPending = true;
      }
      if (later.isEmpty()) {
        finish();
        async.complete();
      }
    } catch (IOException | IllegalStateException e) {
      // The connection is gone or the request is over; nothing is left to tell the caller.
      finish();
      completeQuietly();
    }
  }

  private void completeQuietly() {
    try {
      async.complete();
    } catch (IllegalStateException e) {
      // already completed by the container
    }
  }

  private synchronized void finish() {
    done = true;
    if (pacing != null) {
      pacing.cancel(false);
    }
  }
}
