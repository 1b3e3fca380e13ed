package dev.geofence.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;

/**
 * {@code POST /v1/messages} in the shape of Anthropic's Messages API: answers a canned assistant
 * message whose {@code model} is the model this application actually received, so a substitution
 * made by the filter in front of it is visible to the caller. Stateless and thread-safe.
 */
final class MessagesServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** Larger bodies are not demo requests; the limit keeps a hostile body from filling the heap. */
  private static final int MAX_BODY = 1 << 20;

  private final transient ObjectMapper json;

  MessagesServlet(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    byte[] body = request.getInputStream().readNBytes(MAX_BODY + 1);
    if (body.length > MAX_BODY) {
      JsonResponses.error(
          json, response, 413, "request_too_large", "The request body is larger than 1 MiB.");
      return;
    }
    JsonNode message;
    try {
      message = json.readTree(body);
    } catch (JsonProcessingException e) {
      JsonResponses.error(
          json, response, 400, "invalid_request_error", "The request body is not valid JSON.");
      return;
    }
    JsonNode model = message == null ? null : message.get("model");
    if (model == null || !model.isTextual() || model.asText().isBlank()) {
      JsonResponses.error(
          json,
          response,
          400,
          "invalid_request_error",
          "model: Field required (a model id string).");
      return;
    }
    ObjectNode reply = json.createObjectNode();
    reply.put("id", "msg_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 24));
    reply.put("type", "message");
    reply.put("role", "assistant");
    reply.put("model", model.asText());
    reply
        .putArray("content")
        .addObject()
        .put("type", "text")
        .put(
            "text",
            "Hello from the geofence demo. This application received a request for "
                + model.asText()
                + ".");
    reply.put("stop_reason", "end_turn");
    reply.putNull("stop_sequence");
    reply.putObject("usage").put("input_tokens", 12).put("output_tokens", 16);
    JsonResponses.write(json, response, 200, reply);
  }
}
