package dev.geofence.demo;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** JSON responses of the demo model API, errors in Anthropic's shape. Stateless. */
final class JsonResponses {

  private JsonResponses() {}

  /** Writes {@code {"type":"error","error":{"type":...,"message":...}}} with the status. */
  /**
   * The request body as JSON, read up to {@code maxBytes}; null after answering 413 for a larger
   * body or 400 for one that is not JSON. The limit keeps a hostile body from filling the heap.
   */
  static JsonNode readBody(
      ObjectMapper json, HttpServletRequest request, HttpServletResponse response, int maxBytes)
      throws IOException {
    byte[] body = request.getInputStream().readNBytes(maxBytes + 1);
    if (body.length > maxBytes) {
      error(
          json,
          response,
          413,
          "request_too_large",
          "The request body is larger than " + (maxBytes >> 20) + " MiB.");
      return null;
    }
    try {
      JsonNode document = json.readTree(body);
      return document == null ? json.missingNode() : document; // an empty body: no fields
    } catch (JsonProcessingException e) {
      error(json, response, 400, "invalid_request_error", "The request body is not valid JSON.");
      return null;
    }
  }

  static void error(
      ObjectMapper json, HttpServletResponse response, int status, String type, String message)
      throws IOException {
    ObjectNode error = json.createObjectNode();
    error.put("type", "error");
    error.putObject("error").put("type", type).put("message", message);
    write(json, response, status, error);
  }

  /** Writes a JSON document with the status, UTF-8. */
  static void write(ObjectMapper json, HttpServletResponse response, int status, JsonNode document)
      throws IOException {
    byte[] bytes = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(document);
    response.setStatus(status);
    response.setContentType("application/json");
    response.setCharacterEncoding("UTF-8");
    response.setContentLength(bytes.length + 1);
    response.getOutputStream().write(bytes);
    response.getOutputStream().write('\n');
  }
}
