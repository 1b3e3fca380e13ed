package dev.geofence.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/** JSON responses of the demo model API, errors in Anthropic's shape. Stateless. */
final class JsonResponses {

  private JsonResponses() {}

  /** Writes {@code {"type":"error","error":{"type":...,"message":...}}} with the status. */
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
