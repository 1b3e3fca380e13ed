package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.internal.body.CapturedBody;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelFinderTest {
  private static final ModelRoutes ROUTES =
      ModelRoutes.parse(
          """
            POST /v1/chat/completions header:x-model body query:model
            POST /v1beta/models/{model}:* query:model path
            GET /v1/models none
            """);
  private final ModelFinder finder = ModelFinder.defaults();

  private Checked<Optional<FoundModel>> find(
      String path, Map<String, List<String>> headers, String query, String body) {
    Route route = ROUTES.match("POST", path).or(() -> ROUTES.match("GET", path)).orElseThrow();
    Map<String, List<String>> lower = new java.util.HashMap<>();
    headers.forEach((k, v) -> lower.put(k.toLowerCase(Locale.ROOT), v));
    ModelRequest request =
        new ModelRequest(
            path,
            name -> lower.getOrDefault(name.toLowerCase(Locale.ROOT), List.of()),
            Optional.ofNullable(query),
            Optional.ofNullable(body)
                .map(b -> CapturedBody.of(b.getBytes(StandardCharsets.UTF_8))));
    return finder.find(route, request);
  }

  @Test
  void the_first_source_that_yields_a_value_wins() {
    String path = "/v1/chat/completions";
    String body = "{\"model\":\"from-body\"}";

    assertThat(find(path, Map.of("X-Model", List.of("from-header")), "model=q", body).value())
        .map(FoundModel::value)
        .contains("from-header");
    assertThat(find(path, Map.of(), "model=q", body).value())
        .map(FoundModel::value)
        .contains("from-body");
    assertThat(find(path, Map.of(), "model=from-query", "{}").value())
        .map(FoundModel::value)
        .contains("from-query");
  }

  @Test
  void a_rejecting_source_stops_the_search_instead_of_falling_through() {
    Checked<Optional<FoundModel>> result =
        find("/v1/chat/completions", Map.of(), "model=q", "{\"model\":1}");

    assertThat(result.refusal().reason()).contains(RefusalReason.MODEL_INVALID);
  }

  @Test
  void finds_nothing_when_no_source_yields_and_nothing_on_a_route_without_sources() {
    assertThat(find("/v1/chat/completions", Map.of(), null, "").value()).isEmpty();
    assertThat(find("/v1/models", Map.of(), "model=x", null).value()).isEmpty();
  }

  @Test
  void reports_where_each_source_found_the_model() {
    assertThat(
            find("/v1/chat/completions", Map.of("x-model", List.of("h")), null, "{}")
                .value()
                .orElseThrow()
                .location())
        .isEqualTo(new ModelLocation.Header("x-model"));
    assertThat(
            find("/v1beta/models/gemini-pro:generateContent", Map.of(), null, null)
                .value()
                .orElseThrow())
        .isEqualTo(
            new FoundModel(
                "gemini-pro",
                new ModelLocation.Path("/v1beta/models/gemini-pro:generateContent", 15, 25)));
    assertThat(
            find("/v1beta/models/g:x", Map.of(), "a=1&model=gem%69ni-2&b", null)
                .value()
                .orElseThrow())
        .isEqualTo(
            new FoundModel(
                "gemini-2", new ModelLocation.Query("model", "a=1&model=gem%69ni-2&b", 10, 20)));
  }

  @Test
  void a_header_sent_twice_is_ambiguous() {
    Checked<Optional<FoundModel>> result =
        find("/v1/chat/completions", Map.of("x-model", List.of("a", "b")), null, "{}");

    assertThat(result.refusal().reason()).contains(RefusalReason.AMBIGUOUS_MODEL);
    assertThat(result.refusal().detail()).contains("x-model is sent 2 times");
  }

  @ParameterizedTest(name = "?{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            model=a&model=b         | AMBIGUOUS_MODEL | given more than once
            model=a&mod%65l=b       | AMBIGUOUS_MODEL | given more than once
            model=a&Model=b         | AMBIGUOUS_MODEL | only by case
            MODEL=b                 | AMBIGUOUS_MODEL | only by case
            model=%zz               | MALFORMED_QUERY | malformed %-escape
            x=%C3%28&model=a        | MALFORMED_QUERY | not UTF-8
            """)
  void rejects_ambiguous_or_malformed_query_models(
      String query, RefusalReason reason, String message) {
    Checked<Optional<FoundModel>> result = find("/v1beta/models/g:x", Map.of(), query, null);

    assertThat(result.refusal().reason()).contains(reason);
    assertThat(result.refusal().detail()).contains(message);
  }

  @ParameterizedTest(name = "?{0} -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            model=gemini-pro        | gemini-pro
            &&model=a&&             | a
            models=x&model=%41-1    | A-1
            model=a%2Bb             | a+b
            model=                  | ``
            model                   | ``
            models=x&model=%20A%20  | ` A `
            model=a%2F..%2Fb        | a/../b
            """)
  void decodes_query_models(String query, String model) {
    assertThat(find("/v1beta/models/g:x", Map.of(), query, null).value())
        .map(FoundModel::value)
        .contains(model);
  }

  @Test
  void refuses_to_guess_when_the_route_reads_the_body_but_none_was_captured() {
    Route route = ROUTES.match("POST", "/v1/chat/completions").orElseThrow();
    ModelRequest request =
        new ModelRequest(
            "/v1/chat/completions", n -> List.of(), Optional.empty(), Optional.empty());

    assertThatThrownBy(() -> finder.find(route, request))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("capture it before");
  }
}
