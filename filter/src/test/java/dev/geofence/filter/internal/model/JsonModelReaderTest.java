package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class JsonModelReaderTest {
  private final JsonModelReader reader = JsonModelReader.defaults();

  private Checked<Optional<FoundModel>> read(byte[] body) {
    return reader.read(body, body.length, "model");
  }

  private Checked<Optional<FoundModel>> read(String body) {
    return read(body.getBytes(StandardCharsets.UTF_8));
  }

  @ParameterizedTest(name = "{0} -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            {"model":"claude-opus-4"}                                  | claude-opus-4
            {"max_tokens":1,"model":"gpt-4o","messages":[]}            | gpt-4o
            {"mod\\u0065l":"gpt-4o"}                                   | gpt-4o
            {"model":"gpt\\u002d4o"}                                   | gpt-4o
            {"model":"GPT-4O"}                                         | GPT-4O
            {"model":"  gpt-4o  "}                                     | `  gpt-4o  `
            {"model":""}                                               | ``
            {"model":"caf\\u00e9 \\"x\\" \\\\ /"}                      | café "x" \\ /
            {"model":"\\ud83d\\ude00"}                                 | 😀
            {"model":"😀"}                                             | 😀
            {"a":{"model":"nested"},"model":"top","b":[{"model":1}]}   | top
            { "model" : "spaced" }                                     | spaced
            """)
  void returns_the_top_level_model_as_the_application_reads_it(String body, String model) {
    Checked<Optional<FoundModel>> result = read(body);

    assertThat(result.isRefused()).as("%s", result).isFalse();
    assertThat(result.value()).map(FoundModel::value).contains(model);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            {}
            {"messages":[{"role":"user","content":"hi"}]}
            {"a":{"model":"nested"}}
            {"a":[{"model":"in array"}]}
            {"models":"x","model_name":"y"}
            """)
  void finds_no_model_when_the_top_level_has_none(String body) {
    assertThat(read(body).value()).isEmpty();
  }

  @Test
  void finds_no_model_in_an_empty_body() {
    assertThat(read(new byte[0]).value()).isEmpty();
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            {"model":"a","model":"b"}                       | AMBIGUOUS_MODEL | more than once
            {"model":"a","mod\\u0065l":"b"}                 | AMBIGUOUS_MODEL | more than once
            {"\\u006d\\u006f\\u0064\\u0065\\u006c":"a","model":"a"} | AMBIGUOUS_MODEL | more than once
            {"model":"a","x":{},"model":1}                  | AMBIGUOUS_MODEL | more than once
            {"model":"a","Model":"b"}                       | AMBIGUOUS_MODEL | differs from "model" only by case
            {"MODEL":"big"}                                 | AMBIGUOUS_MODEL | only by case
            {"model":1}                                     | MODEL_INVALID   | is a number; expected a string
            {"model":1.5e3}                                 | MODEL_INVALID   | is a number
            {"model":true}                                  | MODEL_INVALID   | is a boolean
            {"model":null}                                  | MODEL_INVALID   | is null
            {"model":["a"]}                                 | MODEL_INVALID   | is an array
            {"model":{"id":"a"}}                            | MODEL_INVALID   | is an object
            {"model":"a"} // comment                        | MALFORMED_JSON  | not a valid JSON object
            {/* c */"model":"a"}                            | MALFORMED_JSON  | not a valid JSON object
            {"model":"a"}#                                  | MALFORMED_JSON  | not a valid JSON object
            {"model":"a"}x                                  | MALFORMED_JSON  | not a valid JSON object
            {"model":"a"}{"model":"b"}                      | MALFORMED_JSON  | content after the top-level object
            {"model":"a"} "b"                               | MALFORMED_JSON  | content after the top-level object
            {"model":"a"}]                                  | MALFORMED_JSON  | not a valid JSON object
            {"model":"a",}                                  | MALFORMED_JSON  | not a valid JSON object
            {'model':'a'}                                   | MALFORMED_JSON  | not a valid JSON object
            {model:"a"}                                     | MALFORMED_JSON  | not a valid JSON object
            {"model":"a"                                    | MALFORMED_JSON  | not a valid JSON object
            {"x":NaN,"model":"a"}                           | MALFORMED_JSON  | not a valid JSON object
            {"x":01,"model":"a"}                            | MALFORMED_JSON  | not a valid JSON object
            {"x":"unterminated                              | MALFORMED_JSON  | not a valid JSON object
            {"x":"bad \\q escape","model":"a"}              | MALFORMED_JSON  | not a valid JSON object
            [{"model":"a"}]                                 | MALFORMED_JSON  | top-level value is an array
            "model"                                         | MALFORMED_JSON  | top-level value is a string
            42                                              | MALFORMED_JSON  | top-level value is a number
            null                                            | MALFORMED_JSON  | top-level value is null
            ` `                                             | MALFORMED_JSON  | top-level value is missing
            model=gpt-4o&x=1                                | MALFORMED_JSON  | not a valid JSON object
            """)
  void rejects_bodies_readers_could_disagree_on(String body, RefusalReason reason, String message) {
    Checked<Optional<FoundModel>> result = read(body);

    assertThat(result.isRefused()).as("%s", result).isTrue();
    assertThat(result.refusal().reason()).contains(reason);
    assertThat(result.refusal().status()).isEqualTo(400);
    assertThat(result.refusal().detail()).contains(message);
  }

  static Stream<Arguments> badBytes() {
    return Stream.of(
        Arguments.of(
            "invalid continuation",
            bytes("{\"model\":\"a\u0000\"}".replace('\u0000', 'X'), 0xC3, 0x28)),
        Arguments.of("lone continuation byte", bytes("{\"model\":\"", 0x80, '"', '}')),
        Arguments.of("overlong slash", bytes("{\"model\":\"", 0xC0, 0xAF, '"', '}')),
        Arguments.of("overlong 3 bytes", bytes("{\"model\":\"", 0xE0, 0x80, 0xAF, '"', '}')),
        Arguments.of("UTF-16 surrogate", bytes("{\"model\":\"", 0xED, 0xA0, 0x80, '"', '}')),
        Arguments.of("above U+10FFFF", bytes("{\"model\":\"", 0xF4, 0x90, 0x80, 0x80, '"', '}')),
        Arguments.of("truncated at end", bytes("{\"model\":\"a\"}", 0xE2, 0x82)),
        Arguments.of(
            "invalid in a skipped value", bytes("{\"model\":\"a\",\"x\":\"", 0xFF, '"', '}')),
        Arguments.of("invalid in a skipped name", bytes("{\"model\":\"a\",\"", 0xFE, "\":1}")),
        Arguments.of("raw NUL in a string", bytes("{\"model\":\"a", 0x00, '"', '}')),
        Arguments.of("raw control char", bytes("{\"model\":\"a", 0x1F, '"', '}')),
        Arguments.of("UTF-16LE body", "{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_16LE)),
        Arguments.of("UTF-16 with BOM", "{\"model\":\"a\"}".getBytes(StandardCharsets.UTF_16)),
        Arguments.of(
            "UTF-32BE body",
            "{\"model\":\"a\"}".getBytes(java.nio.charset.Charset.forName("UTF-32BE"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBytes")
  void rejects_invalid_utf8_and_non_utf8_bodies(String name, byte[] body) {
    Checked<Optional<FoundModel>> result = read(body);

    assertThat(result.isRefused()).as("%s", result).isTrue();
    assertThat(result.refusal().reason()).contains(RefusalReason.MALFORMED_JSON);
  }

  @Test
  void skips_a_utf8_byte_order_mark_and_reports_spans_that_include_it() {
    byte[] body = bytes("", 0xEF, 0xBB, 0xBF, "{\"model\":\"gpt-4o\"}");

    FoundModel found = read(body).value().orElseThrow();

    assertThat(found.value()).isEqualTo("gpt-4o");
    ModelLocation.Body at = (ModelLocation.Body) found.location();
    assertThat(new String(body, at.start(), at.end() - at.start(), StandardCharsets.UTF_8))
        .isEqualTo("\"gpt-4o\"");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
            {"model":"gpt-4o"}                                    | "gpt-4o"
            {"a":"é😀","model" :  "gpt\\u002d4o" , "b":1}         | "gpt\\u002d4o"
            {"x":[1,{"model":"n"}],"model":"caf\\u00e9"}          | "caf\\u00e9"
            """)
  void reports_the_exact_byte_span_of_the_string_token(String body, String token) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

    ModelLocation.Body at = (ModelLocation.Body) read(bytes).value().orElseThrow().location();

    assertThat(new String(bytes, at.start(), at.end() - at.start(), StandardCharsets.UTF_8))
        .isEqualTo(token);
    assertThat(at.field()).isEqualTo("model");
  }

  @Test
  void reads_a_configured_field_name() {
    byte[] body = "{\"model\":\"ignored\",\"modelId\":\"m\"}".getBytes(StandardCharsets.UTF_8);

    assertThat(reader.read(body, body.length, "modelId").value())
        .map(FoundModel::value)
        .contains("m");
  }

  @Test
  void reads_only_the_given_length_of_the_array() {
    byte[] body = "{\"model\":\"a\"}GARBAGE".getBytes(StandardCharsets.UTF_8);

    assertThat(reader.read(body, 13, "model").value()).map(FoundModel::value).contains("a");
  }

  @Test
  void rejects_nesting_deeper_than_the_limit_even_inside_skipped_values() {
    JsonModelReader shallow = JsonModelReader.builder().maxNestingDepth(10).build();
    String ok = "{\"model\":\"a\",\"x\":" + "[".repeat(9) + "]".repeat(9) + "}";
    String deep = "{\"model\":\"a\",\"x\":" + "[".repeat(10) + "]".repeat(10) + "}";

    assertThat(shallow.read(ok.getBytes(), ok.length(), "model").isRefused()).isFalse();
    Checked<Optional<FoundModel>> result = shallow.read(deep.getBytes(), deep.length(), "model");
    assertThat(result.refusal().reason()).contains(RefusalReason.MALFORMED_JSON);
    assertThat(result.refusal().detail()).contains("nesting depth");
  }

  @Test
  void rejects_default_deep_nesting_without_stack_overflow() {
    String deep = "{\"x\":" + "[".repeat(100_000) + "]".repeat(100_000) + ",\"model\":\"a\"}";

    assertThat(read(deep).refusal().detail()).contains("nesting depth");
  }

  @Test
  void reads_a_body_with_a_4_mb_base64_image_in_one_pass() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(5 << 20);
    out.writeBytes(
        "{\"messages\":[{\"role\":\"user\",\"content\":[{\"type\":\"image\",\"source\":{\"data\":\""
            .getBytes());
    byte[] chunk = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0MTIz".getBytes();
    for (int i = 0; i < (4 << 20) / chunk.length; i++) {
      out.writeBytes(chunk);
    }
    out.writeBytes("\"}}]}],\"model\":\"claude-sonnet-4\"}".getBytes());
    byte[] body = out.toByteArray();

    FoundModel found = read(body).value().orElseThrow();

    assertThat(found.value()).isEqualTo("claude-sonnet-4");
    assertThat(((ModelLocation.Body) found.location()).end()).isEqualTo(body.length - 1);
  }

  @Test
  void validates_options_when_set() {
    assertThatThrownBy(() -> JsonModelReader.builder().maxNestingDepth(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("JSON nesting limit 0 is out of range");
    assertThatThrownBy(() -> reader.read(new byte[2], 3, "model"))
        .isInstanceOf(IndexOutOfBoundsException.class);
  }

  /** Builds bytes from strings (as UTF-8) and ints (as single bytes). */
  static byte[] bytes(Object... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Object part : parts) {
      if (part instanceof String s) {
        out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
      } else if (part instanceof Character c) {
        out.write(c);
      } else {
        out.write((Integer) part);
      }
    }
    return out.toByteArray();
  }
}
