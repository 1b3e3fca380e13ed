package dev.geofence.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.UUID;

/**
 * {@code POST /v1/messages/batches}: answers {@code {"type":"message_batch","received_models":
 * [...]}}, the {@code params.model} of each entry as this application received it, in order, so
 * that the filter's per-entry substitutions are visible to the caller. Runs nothing. Stateless and
 * thread-safe.
 */
final class BatchesServlet extends HttpServlet {

  private static final long serialVersionUID = 1L;

  /** Larger bodies are not demo requests; the limit keeps a hostile body from filling the heap. */
  private static final int MAX_BODY = 4 << 20;

  private final transient ObjectMapper json;

  BatchesServlet(ObjectMapper json) {
    this.json = json;
  }

  @Override
  protected void doPost(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    JsonNode batch = JsonResponses.readBody(json, request, response, MAX_BODY);
    if (batch == null) {
      return;
    }
    JsonNode requests = batch.get("requests");
    if (requests == null || !requests.isArray()) {
      JsonResponses.error(
          json, response, 400, "invalid_request_error", "requests: Field required (an array).");
      return;
    }
    ObjectNode reply = json.createObjectNode();
    reply.put(
        "id", "msgbatch_demo_" + UUID.randomUUID().toString().replace("-", "").substring(0, 20));
    reply.put("type", "message_batch");
    ArrayNode received = reply.putArray("received_models");
    for (JsonNode entry : requests) {
      JsonNode model = entry.path("params").path("model");
      received.add(model.isMissingNode() ? NullNode.getInstance() : model);
    }
    JsonResponses.write(json, response, 200, reply);
  }
}
