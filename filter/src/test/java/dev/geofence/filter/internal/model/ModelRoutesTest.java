package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRoutesTest {

  private static final ModelRoutes ROUTES =
      ModelRoutes.parse(
          """
            # Anthropic and OpenAI put the model in the JSON body
            POST /v1/messages body
            POST /v1/chat/completions body:model header:x-model
            POST,PUT /v1beta/models/{model}:* path        # Gemini, any action
            POST /model/{model}/* path; GET /v1/models none
            POST /v1/projects/{project}/locations/*/publishers/google/models/{model}:generateContent path
            * /v1/admin/* none
            """);

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            POST  | /v1/messages                         | /v1/messages
            POST  | /V1/MESSAGES                         | /v1/messages
            POST  | /v1/messages/                        | /v1/messages
            POST  | /v1/chat/completions                 | /v1/chat/completions
            POST  | /v1beta/models/gemini-pro:generateContent       | /v1beta/models/{model}:*
            PUT   | /v1beta/models/gemini-pro:streamGenerateContent | /v1beta/models/{model}:*
            POST  | /V1BETA/Models/gemini-pro:GENERATECONTENT       | /v1beta/models/{model}:*
            POST  | /model/anthropic.claude-v2:1/invoke  | /model/{model}/*
            POST  | /model/anthropic.claude-v2:1         | /model/{model}/*
            POST  | /model/x/converse-stream             | /model/{model}/*
            GET   | /v1/models                           | /v1/models
            HEAD  | /v1/models                           | /v1/models
            DELETE| /v1/admin                            | /v1/admin/*
            GET   | /v1/admin/keys/1                     | /v1/admin/*
            POST  | /v1/projects/p1/locations/us/publishers/google/models/gemini:generateContent | /v1/projects/{project}/locations/*/publishers/google/models/{model}:generateContent
            """)
  void matches_the_first_route_for_method_and_path(String method, String path, String pattern) {
    assertThat(ROUTES.match(method, path)).map(Route::pattern).contains(pattern);
  }

  @ParameterizedTest(name = "{0} {1} -> no route")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            GET   | /v1/messages
            post  | /v1/messages
            POST  | /v1/messages/batches
            POST  | /v1/message
            POST  | /v1/messagesx
            POST  | /v1beta/models/gemini-pro
            POST  | /v1beta/models/:generateContent
            POST  | /model
            POST  | /
            GET   | /v1/models/x
            """)
  void does_not_match_other_methods_or_paths(String method, String path) {
    assertThat(ROUTES.match(method, path)).isEmpty();
  }

  @Test
  void lists_the_methods_a_model_path_accepts_so_others_get_405() {
    assertThat(ROUTES.allowedMethods("/v1/messages")).containsExactly("POST");
    assertThat(ROUTES.allowedMethods("/v1beta/models/g:generateContent"))
        .containsExactly("POST", "PUT");
    assertThat(ROUTES.allowedMethods("/v1/models")).containsExactly("GET", "HEAD");
    assertThat(ROUTES.allowedMethods("/v1/admin/x")).containsExactly("*");
    assertThat(ROUTES.allowedMethods("/health")).isEmpty();
  }

  @ParameterizedTest(name = "{0} in {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            /v1beta/models/{model}:generateContent | /v1beta/models/gemini-1.5-pro:generateContent | gemini-1.5-pro
            /v1beta/models/{model}:generateContent | /v1beta/models/Gemini-Pro:GenerateContent      | Gemini-Pro
            /v1beta/models/{model}:generateContent | /v1beta/models/a:b:generateContent            | a:b
            /v1beta/models/{model}:*               | /v1beta/models/gemini:x:y                      | gemini
            /model/{model}/invoke                  | /model/anthropic.claude-v2:1/invoke            | anthropic.claude-v2:1
            /model/{model}/invoke                  | /model/anthropic.claude-v2:1/invoke/           | anthropic.claude-v2:1
            /model/{model}/invoke                  | /model/arn:aws:bedrock:x/invoke                | arn:aws:bedrock:x
            /m/pre-{model}-post                    | /m/pre-x-post                                  | x
            /m/pre-{model}-post                    | /M/PRE-Xy-POST                                 | Xy
            /m/{model}                             | /m/caf\u00e9 latte                             | caf\u00e9 latte
            """)
  void captures_the_model_from_a_template(String pattern, String path, String model) {
    Optional<PathPattern.Capture> capture = PathPattern.parse(pattern).capture(path);

    assertThat(capture).map(PathPattern.Capture::model).contains(model);
    assertThat(path.substring(capture.get().start(), capture.get().end())).isEqualTo(model);
  }

  @ParameterizedTest(name = "{0} does not capture from {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            /v1beta/models/{model}:generateContent | /v1beta/models/:generateContent
            /v1beta/models/{model}:generateContent | /v1beta/models/gemini
            /v1beta/models/{model}:*               | /v1beta/models/:x
            /m/pre-{model}-post                    | /m/pre--post
            /m/pre-{model}-post                    | /m/pre-post
            /model/{model}/invoke                  | /model/x/invoke/more
            """)
  void captures_nothing_without_a_non_empty_model(String pattern, String path) {
    assertThat(PathPattern.parse(pattern).capture(path)).isEmpty();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            POST /v1/messages                       | Route 1 'POST /v1/messages': expected 'METHODS PATTERN SOURCES'
            POST /v1/messages bodyy                 | unknown source 'bodyy'
            POST /v1/messages header                | unknown source 'header'
            POST /v1/messages path:x                | unknown source 'path:x'
            POST /v1/messages none body             | unknown source 'none'
            POST /v1/messages path                  | reads the model from the path but its pattern has no {model}
            post /v1/messages body                  | Invalid HTTP method 'post'
            POST v1/messages body                   | URL pattern 'v1/messages' is invalid: it does not start with '/'
            POST /v1//messages body                 | it has an empty segment
            POST /v1/./messages body                | it has a dot segment '.'
            POST /v1/{model}/{model} path           | more than one {model}
            POST /v1/{model}* path                  | needs a literal between {model} and '*'
            POST /v1/mess*ges body                  | '*' is not allowed in a literal segment
            POST /v1/%6Dessages body                | '%' is not allowed
            POST /v1/{x body                        | '{' is not allowed
            POST /v1/messages body:model body       | Source 'body:model' is listed twice
            POST /v1/messages header:x\u00e9 body    | Invalid header name 'x\u00e9'
            POST /v1/messages body; POST /v1/messages body | Route 2 'POST /v1/messages body': duplicate route for /v1/messages
            POST /async-invoke highest body:modelId  | Source 'body:modelId' follows 'highest', which always decides; expected highest last
            POST /v1/x highest:frontier             | unknown source 'highest:frontier'
            """)
  void rejects_bad_specs_naming_the_route_and_the_bad_part(String spec, String message) {
    assertThatThrownBy(() -> ModelRoutes.parse(spec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void reads_sources_in_order_and_round_trips_to_text() {
    Route route = ROUTES.match("POST", "/v1/chat/completions").orElseThrow();

    assertThat(route.sources())
        .containsExactly(ModelSource.body("model"), ModelSource.header("x-model"));
    assertThat(route.readsBody()).isTrue();
    assertThat(route.toString()).isEqualTo("POST /v1/chat/completions body:model header:x-model");
    assertThat(ModelRoutes.parse(ROUTES.toString()).toString()).isEqualTo(ROUTES.toString());
  }

  @Test
  void builds_routes_programmatically() {
    ModelRoutes routes =
        ModelRoutes.builder()
            .route(
                Route.builder()
                    .methods("POST")
                    .pattern("/v1/responses")
                    .source(ModelSource.body())
                    .build())
            .route(Route.builder().methods("*").pattern("/*").build())
            .build();

    assertThat(routes.match("POST", "/v1/responses"))
        .map(Route::sources)
        .contains(java.util.List.of(ModelSource.body()));
    assertThat(routes.match("PATCH", "/anything/else")).map(Route::pattern).contains("/*");
    assertThat(routes.match("GET", "/")).isPresent();
  }

  @Test
  void validates_builder_options_when_set() {
    assertThatThrownBy(() -> Route.builder().pattern("/a").pattern("/b"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already set to '/a'");
    assertThatThrownBy(() -> Route.builder().pattern("/a").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs at least one method");
    assertThatThrownBy(() -> Route.builder().methods("POST").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs a URL pattern");
    assertThatThrownBy(() -> ModelSource.body(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid JSON field name ''");
    assertThatThrownBy(() -> ModelSource.query("a b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Invalid query parameter name 'a b'");
  }

  @Test
  void highest_is_a_last_source_that_decides_an_unread_model_as_the_highest_tier() {
    ModelRoutes routes =
        ModelRoutes.parse(
            "POST /async-invoke body:modelId highest; POST /v1/messages/batches highest");

    Route bedrock = routes.match("POST", "/async-invoke").orElseThrow();
    Route batches = routes.match("POST", "/v1/messages/batches").orElseThrow();

    assertThat(bedrock.sources())
        .containsExactly(ModelSource.body("modelId"), ModelSource.highest());
    assertThat(bedrock.readsBody()).isTrue();
    assertThat(bedrock.decidesUnreadAsHighest()).isTrue();
    assertThat(batches.readsBody()).isFalse();
    assertThat(batches.decidesUnreadAsHighest()).isTrue();
    assertThat(ROUTES.match("POST", "/v1/messages").orElseThrow().decidesUnreadAsHighest())
        .isFalse();
    assertThat(routes.toString())
        .isEqualTo("POST /async-invoke body:modelId highest; POST /v1/messages/batches highest");
  }

  @Test
  void an_empty_spec_has_no_routes() {
    assertThat(ModelRoutes.parse("  # nothing\n;;").routes()).isEmpty();
  }
}
