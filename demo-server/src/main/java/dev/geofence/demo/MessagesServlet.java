package dev.geofence.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * {@code POST /v1/messages} in the shape of Anthropic's Messages API: answers a canned assistant
 * message whose {@code model} is the model this application actually received, so a substitution
 * made by the filter in front of it is visible to the caller. With {@code "stream": true} the
 * answer is streamed as Server-Sent Events from an asynchronous request ({@link MessageStream}), so
 * the servlet must be registered with async support, and so must every filter in front of it.
 * Thread-safe.
 */
final class MessagesServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** Larger bodies are not demo requests; the limit keeps a hostile body from filling the heap. */
  private static final int MAX_BODY = 1 << 20;

  /** How long a model takes per word, roughly: slow enough that a person sees the text stream. */
  static final Duration PACE = Duration.ofMillis(40);

  private final transient ObjectMapper json;
  private final Duration pace;
  private transient ScheduledExecutorService pacer;

  MessagesServlet(ObjectMapper json) {
    this(json, PACE);
  }

  MessagesServlet(ObjectMapper json, Duration pace) {
    this.json = json;
    this.pace = pace;
  }

  @Override
  public void init() {
    // One thread paces every stream; writing is non-blocking, so it never waits on a caller.
    pacer =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "demo-stream-pacer");
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void destroy() {
    pacer.shutdownNow();
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonNode message = JsonResponses.readBody(json, request, response, MAX_BODY);
    if (message == null) {
      return;
    }
    JsonNode model = message.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      JsonResponses.error(
          json,
          response,
          400,
          "invalid_request_error",
          "model: Field required (a model id string).");
      return;
    }
    String id = "msg_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24);
    String text =
        "Hello from the geofence demo. This application received a request for "
            + model.asText()
            + ".";
    JsonNode stream = message.get("stream");
    if (stream != null && stream.isBoolean() && stream.booleanValue()) {
      MessageStream.start(
          json, request.startAsync(), response, id, model.asText(), text, pacer, pace);
      return;
    }
    ObjectNode reply = json.createObjectNode();
    reply.put("id", id);
    reply.put("type", "message");
    reply.put("role", "assistant");
    reply.put("model", model.asText());
    reply.putArray("content").addObject().put("type", "text").put("text", text);
    reply.put("stop_reason", "end_turn");
    reply.putNull("stop_sequence");
    reply.putObject("usage").put("input_tokens", 12).put("output_tokens", 16);
    JsonResponses.write(json, response, 200, reply);
  }
}
