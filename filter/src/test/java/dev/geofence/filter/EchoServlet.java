package dev.geofence.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.Locale;
import java.util.Optional;

/**
 * A small model API: answers 200 with what it received, one {@code name: value} line each, the body
 * last: method, URI, declared and read length, the model in the JSON body, the {@code x-model}
 * header and {@code model} parameter, the decision attribute, and every {@code X-Geofence-*}
 * header. With {@code x-read: reader} it reads the body through {@code getReader}.
 */
final class EchoServlet extends HttpServlet {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response)
      throws IOException {
    byte[] body =
        "reader".equals(request.getHeader("x-read"))
            ? readWithReader(request)
            : request.getInputStream().readAllBytes();
    StringBuilder out = new StringBuilder();
    line(out, "method", request.getMethod());
    line(out, "uri", request.getRequestURI());
    line(out, "content-length", Long.toString(request.getContentLengthLong()));
    line(out, "content-length-header", request.getHeader("Content-Length"));
    line(out, "read", Integer.toString(body.length));
    line(out, "model", bodyModel(body));
    line(out, "header-model", request.getHeader("x-model"));
    line(out, "param-model", request.getParameter("model"));
    line(out, "query", request.getQueryString());
    Optional<Screening> screening = Screening.of(request);
    line(out, "decision", screening.map(s -> s.action().label()).orElse(null));
    line(out, "allows-big-1", screening.map(s -> Boolean.toString(s.allows("big-1"))).orElse(null));
    line(out, "request-id", (String) request.getAttribute(Screening.REQUEST_ID_ATTRIBUTE));
    for (String name : Collections.list(request.getHeaderNames())) {
      if (name.toLowerCase(Locale.ROOT).startsWith("x-geofence-")) {
        line(
            out,
            name.toLowerCase(Locale.ROOT),
            String.join(",", Collections.list(request.getHeaders(name))));
      }
    }
    out.append("body: ").append(new String(body, StandardCharsets.UTF_8));
    response.setStatus("yes".equals(request.getHeader("x-fail")) ? 418 : 200);
    response.setContentType("text/plain;charset=utf-8");
    response.getOutputStream().write(out.toString().getBytes(StandardCharsets.UTF_8));
  }

  private static byte[] readWithReader(HttpServletRequest request) throws IOException {
    StringBuilder s = new StringBuilder();
    char[] buffer = new char[1024];
    int n;
    while ((n = request.getReader().read(buffer)) > 0) {
      s.append(buffer, 0, n);
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static String bodyModel(byte[] body) {
    try {
      JsonNode node = JSON.readTree(body);
      return node != null && node.has("model") ? node.get("model").asText() : null;
    } catch (IOException e) {
      return "(not json)";
    }
  }

  private static void line(StringBuilder out, String name, String value) {
    if (value != null) {
      out.append(name).append(": ").append(value).append('\n');
    }
  }
}
