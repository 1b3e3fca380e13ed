package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.internal.body.CapturedBody;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelRewriterTest {
  private final JsonModelReader reader = JsonModelReader.defaults();

  @ParameterizedTest(name = "{0} with {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            {"model":"claude-opus-4","max_tokens":1}                  | claude-haiku-4      | {"model":"claude-haiku-4","max_tokens":1}
            {  "a" : [ 1 ,2 ] ,"model" :"x" ,  "b":"\\u00e9"  }       | y                   | {  "a" : [ 1 ,2 ] ,"model" :"y" ,  "b":"\\u00e9"  }
            {"mod\\u0065l":"gpt\\u002d4o","z":1}                      | gpt-4o-mini         | {"mod\\u0065l":"gpt-4o-mini","z":1}
            {"model":"a"}                                             | quote"back\\slash   | {"model":"quote\\"back\\\\slash"}
            {"model":"a"}                                             | café                | {"model":"café"}
            {"model":"a"}                                             | ``                  | {"model":""}
            """)
  void replaces_only_the_model_token_and_keeps_every_other_byte(
      String original, String newModel, String expected) {
    byte[] bytes = original.getBytes(StandardCharsets.UTF_8);
    CapturedBody body = CapturedBody.of(bytes);
    FoundModel found = reader.read(bytes, bytes.length, "model").value().orElseThrow();

    CapturedBody rewritten =
        ModelRewriter.body(body, (ModelLocation.Body) found.location(), newModel);

    assertThat(rewritten.toString(StandardCharsets.UTF_8)).isEqualTo(expected);
    assertThat(rewritten.length()).isEqualTo(expected.getBytes(StandardCharsets.UTF_8).length);
    byte[] out = rewritten.toByteArray();
    assertThat(reader.read(out, out.length, "model").value())
        .map(FoundModel::value)
        .contains(newModel);
  }

  @Test
  void keeps_a_large_body_byte_for_byte_around_the_token() {
    byte[] prefix =
        ("{\"x\":\"" + "A".repeat(100_000) + "\",\"model\":").getBytes(StandardCharsets.UTF_8);
    byte[] suffix = (",\"y\":\"" + "é".repeat(50_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    byte[] bytes = concat(prefix, "\"big\"".getBytes(), suffix);
    FoundModel found = reader.read(bytes, bytes.length, "model").value().orElseThrow();

    byte[] out =
        ModelRewriter.body(
                CapturedBody.of(bytes), (ModelLocation.Body) found.location(), "small-model")
            .toByteArray();

    assertThat(out).isEqualTo(concat(prefix, "\"small-model\"".getBytes(), suffix));
  }

  @Test
  void refuses_a_span_that_is_not_a_string_token() {
    CapturedBody body = CapturedBody.of("{\"model\":\"a\"}".getBytes());

    assertThat(
            ModelRewriter.body(body, new ModelLocation.Body("model", 9, 12), "b")
                .toString(StandardCharsets.UTF_8))
        .isEqualTo("{\"model\":\"b\"}");
    assertThatThrownBy(() -> ModelRewriter.body(body, new ModelLocation.Body("model", 2, 6), "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a string token");
    assertThatThrownBy(() -> ModelRewriter.body(body, new ModelLocation.Body("model", 9, 14), "b"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("is not a string token");
  }

  @ParameterizedTest(name = "{0} with {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            /v1beta/models/{model}:generateContent | /v1beta/models/gemini-ultra:generateContent | gemini-flash          | /v1beta/models/gemini-flash:generateContent
            /v1beta/models/{model}:*               | /v1beta/models/big:stream/                  | small                 | /v1beta/models/small:stream/
            /model/{model}/invoke                  | /model/anthropic.claude-opus/invoke         | anthropic.claude-3-haiku-20240307-v1:0 | /model/anthropic.claude-3-haiku-20240307-v1:0/invoke
            /model/{model}/invoke                  | /model/big/invoke                           | a b%d?e#f+g           | /model/a%20b%25d%3Fe%23f%2Bg/invoke
            /m/{model}/*                           | /m/caf\u00e9/x y                             | th\u00e9                 | /m/th%C3%A9/x%20y
            """)
  void rewrites_a_path_model_to_a_path_that_normalises_back_to_the_new_model(
      String pattern, String path, String newModel, String expected) {
    PathPattern.Capture c = PathPattern.parse(pattern).capture(path).orElseThrow();

    String rewritten =
        ModelRewriter.path(new ModelLocation.Path(path, c.start(), c.end()), newModel);

    assertThat(rewritten).isEqualTo(expected);
    String canonical = PathNormalizer.normalize(rewritten).value();
    assertThat(PathPattern.parse(pattern).capture(canonical))
        .map(PathPattern.Capture::model)
        .contains(newModel);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            ..                        | would make the path segment '..'
            .                         | would make the path segment '.'
            ``                        | would make the path segment ''
            arn:aws:x:profile/us.y    | cannot be placed in a path
            a;b                       | cannot be placed in a path
            a\\b                    | cannot be placed in a path
            """)
  void refuses_a_model_the_path_cannot_carry_unambiguously(String model, String message) {
    ModelLocation.Path at = new ModelLocation.Path("/model/x/invoke", 7, 8);

    assertThatThrownBy(() -> ModelRewriter.path(at, model))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @Test
  void rewrites_only_the_query_value_and_keeps_the_rest_raw() {
    String raw = "a=%41+b&model=big&c";
    ModelLocation.Query at = new ModelLocation.Query("model", raw, 14, 17);

    assertThat(ModelRewriter.query(at, "small & cheap"))
        .isEqualTo("a=%41+b&model=small%20%26%20cheap&c");
  }

  private static byte[] concat(byte[]... parts) {
    byte[] out = new byte[0];
    for (byte[] part : parts) {
      int at = out.length;
      out = Arrays.copyOf(out, at + part.length);
      System.arraycopy(part, 0, out, at, part.length);
    }
    return out;
  }
}
