package dev.geofence.filter.internal.response;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.geofence.filter.RefusalFormat;
import dev.geofence.filter.internal.body.TestServer;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RefusalWriterTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Refusal BLOCK =
      Refusal.builder(451)
          .detail("Model claude-opus-4 is not available in your region (RU).")
          .policy("default", "2025-06-01")
          .rule("sanctioned")
          .country("RU")
          .build();

  private static JsonNode render(RefusalFormat format, Refusal refusal) throws IOException {
    return JSON.readTree(RefusalWriter.of(format, Optional.empty()).render(refusal));
  }

  @Test
  void renders_an_rfc9457_problem_with_policy_members() throws Exception {
    assertThat(JSON.writeValueAsString(render(RefusalFormat.PROBLEM, BLOCK)))
        .isEqualTo(
            "{\"type\":\"about:blank\",\"title\":\"Unavailable For Legal Reasons\",\"status\":451,"
                + "\"detail\":\"Model claude-opus-4 is not available in your region (RU).\","
                + "\"policy\":\"default\",\"policy_version\":\"2025-06-01\",\"rule\":\"sanctioned\",\"country\":\"RU\"}");
  }

  @Test
  void renders_a_rejection_with_its_reason_code_and_without_absent_members() throws Exception {
    Refusal refusal =
        Refusal.of(RefusalReason.BODY_TOO_LARGE, "The request body is larger than the limit.");

    JsonNode problem = render(RefusalFormat.PROBLEM, refusal);

    assertThat(problem.get("status").asInt()).isEqualTo(413);
    assertThat(problem.get("title").asText()).isEqualTo("Content Too Large");
    assertThat(problem.get("reason").asText()).isEqualTo("body_too_large");
    assertThat(problem.has("policy")).isFalse();
    assertThat(problem.has("country")).isFalse();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            451 | permission_error
            403 | permission_error
            400 | invalid_request_error
            405 | invalid_request_error
            413 | request_too_large
            415 | invalid_request_error
            503 | api_error
            """)
  void renders_the_anthropic_error_shape(int status, String type) throws Exception {
    JsonNode body = render(RefusalFormat.ANTHROPIC, Refusal.builder(status).detail("why").build());

    assertThat(JSON.writeValueAsString(body))
        .isEqualTo(
            "{\"type\":\"error\",\"error\":{\"type\":\"" + type + "\",\"message\":\"why\"}}");
  }

  @Test
  void renders_the_openai_error_shape_with_openais_own_code_for_region_blocks() throws Exception {
    assertThat(JSON.writeValueAsString(render(RefusalFormat.OPENAI, BLOCK)))
        .isEqualTo(
            "{\"error\":{\"message\":\"Model claude-opus-4 is not available in your region (RU).\","
                + "\"type\":\"request_forbidden\",\"param\":null,\"code\":\"unsupported_country_region_territory\"}}");
    Refusal rejection = Refusal.of(RefusalReason.AMBIGUOUS_MODEL, "twice");
    assertThat(JSON.writeValueAsString(render(RefusalFormat.OPENAI, rejection)))
        .isEqualTo(
            "{\"error\":{\"message\":\"twice\",\"type\":\"invalid_request_error\",\"param\":null,\"code\":\"ambiguous_model\"}}");
    Refusal internal = Refusal.of(RefusalReason.INTERNAL_ERROR, "down");
    assertThat(render(RefusalFormat.OPENAI, internal).at("/error/type").asText())
        .isEqualTo("server_error");
  }

  @Test
  void escapes_hostile_text_in_every_format() throws Exception {
    Refusal refusal = Refusal.builder(400).detail("model \"x\"}\u0000</script>\\").build();

    for (RefusalFormat format : RefusalFormat.values()) {
      String text =
          new String(
              RefusalWriter.of(format, Optional.empty()).render(refusal), StandardCharsets.UTF_8);
      assertThat(
              JSON.readTree(text)
                  .findValuesAsText(format == RefusalFormat.PROBLEM ? "detail" : "message"))
          .containsExactly("model \"x\"}\u0000</script>\\");
    }
  }

  @Test
  @Timeout(30)
  void writes_the_whole_response_with_headers_keeping_earlier_ones() throws Exception {
    RefusalWriter writer =
        RefusalWriter.of(
            RefusalFormat.PROBLEM, Optional.of(URI.create("https://example.com/policy?v=1")));
    HttpServlet servlet =
        new HttpServlet() {
          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            response.setHeader("Access-Control-Allow-Origin", "*");
            int status = Integer.parseInt(request.getParameter("status"));
            boolean written =
                writer.write(response, Refusal.builder(status).detail("blocked").build());
            response.getOutputStream().write(written ? new byte[0] : new byte[] {'!'});
          }
        };
    HttpClient client = HttpClient.newHttpClient();
    try (TestServer server = TestServer.start(null, Map.of("/*", servlet))) {
      HttpResponse<byte[]> blocked = get(client, server.uri("/x?status=451"));
      HttpResponse<byte[]> forbidden = get(client, server.uri("/x?status=403"));

      assertThat(blocked.statusCode()).isEqualTo(451);
      assertThat(blocked.headers().firstValue("Content-Type")).contains("application/problem+json");
      assertThat(blocked.headers().firstValue("Content-Length"))
          .contains(Integer.toString(blocked.body().length));
      assertThat(blocked.headers().firstValue("Cache-Control")).contains("no-store");
      assertThat(blocked.headers().firstValue("Link"))
          .contains("<https://example.com/policy?v=1>; rel=\"blocked-by\"");
      assertThat(blocked.headers().firstValue("Access-Control-Allow-Origin")).contains("*");
      assertThat(JSON.readTree(blocked.body()).get("detail").asText()).isEqualTo("blocked");
      assertThat(forbidden.statusCode()).isEqualTo(403);
      assertThat(forbidden.headers().firstValue("Link")).isEmpty();
    }
  }

  @Test
  @Timeout(30)
  void writes_a_rendered_refusal_as_the_refusal_itself_byte_for_byte() throws Exception {
    RefusalWriter writer =
        RefusalWriter.of(
            RefusalFormat.ANTHROPIC, Optional.of(URI.create("https://example.com/policy")));
    RefusalWriter.Rendered rendered = writer.rendered(BLOCK);
    RefusalWriter other = RefusalWriter.of(RefusalFormat.OPENAI, Optional.empty());
    HttpServlet servlet =
        new HttpServlet() {
          @Override
          protected void service(HttpServletRequest request, HttpServletResponse response)
              throws IOException {
            switch (request.getParameter("how")) {
              case "fresh" -> writer.write(response, BLOCK);
              case "rendered" -> writer.write(response, rendered);
              default -> {
                try {
                  other.write(response, rendered);
                } catch (IllegalArgumentException e) {
                  response.setStatus(400);
                  response.getWriter().write(e.getMessage());
                }
              }
            }
          }
        };
    HttpClient client = HttpClient.newHttpClient();
    try (TestServer server = TestServer.start(null, Map.of("/*", servlet))) {
      HttpResponse<byte[]> fresh = get(client, server.uri("/x?how=fresh"));
      HttpResponse<byte[]> again = get(client, server.uri("/x?how=rendered"));
      HttpResponse<byte[]> foreign = get(client, server.uri("/x?how=foreign"));

      assertThat(rendered.refusal()).isSameAs(BLOCK);
      assertThat(again.statusCode()).isEqualTo(fresh.statusCode()).isEqualTo(451);
      assertThat(again.body()).isEqualTo(fresh.body());
      for (String header :
          new String[] {"Content-Type", "Content-Length", "Link", "Cache-Control"}) {
        assertThat(again.headers().allValues(header))
            .as(header)
            .isNotEmpty()
            .isEqualTo(fresh.headers().allValues(header));
      }
      assertThat(foreign.statusCode()).isEqualTo(400);
      assertThat(new String(foreign.body(), StandardCharsets.UTF_8))
          .isEqualTo("The refusal was rendered by another writer; render it with this one.");
    }
  }

  private static HttpResponse<byte[]> get(HttpClient client, URI uri) throws Exception {
    return client.send(
        HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void validates_the_blocked_by_url() {
    assertThatThrownBy(
            () -> RefusalWriter.of(RefusalFormat.PROBLEM, Optional.of(URI.create("/relative"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Blocked-by URL '/relative' is not an absolute http or https URL");
    assertThatThrownBy(
            () ->
                RefusalWriter.of(
                    RefusalFormat.PROBLEM, Optional.of(URI.create("javascript:alert(1)"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("javascript:alert(1)");
  }

  @Test
  void validates_refusal_fields_when_set() {
    assertThatThrownBy(() -> Refusal.builder(200))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Refusal status 200 is not an error status");
    assertThatThrownBy(() -> Refusal.builder(451).rule(" "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Refusal rule ' ' is blank");
    assertThat(Refusal.builder(451).detail("a\r\nb").build().detail()).isEqualTo("a  b");
    assertThat(Refusal.builder(418).build().title()).isEqualTo("Client Error");
  }

  @Test
  void parses_format_names() {
    assertThat(RefusalFormat.parse(" OpenAI ")).isEqualTo(RefusalFormat.OPENAI);
    assertThat(RefusalFormat.parse("anthropic")).isEqualTo(RefusalFormat.ANTHROPIC);
    assertThatThrownBy(() -> RefusalFormat.parse("xml"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "Unknown refusal format 'xml'; expected problem, anthropic or openai.");
  }
}
