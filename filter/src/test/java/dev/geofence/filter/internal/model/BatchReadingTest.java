package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.geofence.filter.internal.body.CapturedBody;
import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A Message Batches body is read entry by entry under the rules of a single message body, and its
 * substituted entries are rewritten in place.
 */
class BatchReadingTest {

  private final JsonModelReader reader = JsonModelReader.defaults();

  private Checked<List<BatchEntry>> read(String body, int max) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    return reader.readBatch(bytes, bytes.length, max);
  }

  private Checked<List<BatchEntry>> read(String body) {
    return read(body, 100);
  }

  @Test
  void readsEveryEntrysCustomIdAndModelInOrder() {
    String body =
        """
        {"requests":[
          {"custom_id":"a","params":{"model":"small-1","max_tokens":5,"messages":[{"role":"user","content":"model"}]}},
          {"params":{"messages":[],"mod\\u0065l":"big-1"},"custom_id":"b\\u00e9"}
        ],"model":"not-this"}""";

    Checked<List<BatchEntry>> read = read(body);

    assertThat(read.isRefused()).as("%s", read).isFalse();
    assertThat(read.value()).extracting(BatchEntry::customId).containsExactly("a", "bé");
    assertThat(read.value()).extracting(e -> e.model().value()).containsExactly("small-1", "big-1");
    assertThat(read.value()).extracting(BatchEntry::index).containsExactly(0, 1);
    ModelLocation.Body span = (ModelLocation.Body) read.value().get(0).model().location();
    assertThat(body.substring(span.start(), span.end())).isEqualTo("\"small-1\"");
  }

  @ParameterizedTest(name = "{1}: {0}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '`',
      textBlock =
          """
          {"requests":[{"custom_id":"a","params":{"model":"x","model":"y"}}]}              | AMBIGUOUS_MODEL | requests[0].params has the field "model" more than once
          {"requests":[{"custom_id":"a","params":{"model":"x","mod\\u0065l":"y"}}]}        | AMBIGUOUS_MODEL | requests[0].params has the field "model" more than once
          {"requests":[{"custom_id":"a","params":{"model":"x","Model":"y"}}]}              | AMBIGUOUS_MODEL | requests[0].params has a field "Model" that differs from "model" only by case
          {"requests":[{"custom_id":"a","params":{"model":"x"},"Params":{"model":"y"}}]}   | AMBIGUOUS_MODEL | requests[0] has a field "Params" that differs from "params" only by case
          {"requests":[{"custom_id":"a","params":{"model":"x"},"params":{"model":"y"}}]}   | AMBIGUOUS_MODEL | requests[0] has the field "params" more than once
          {"requests":[],"Requests":[]}                                                    | AMBIGUOUS_MODEL | differs from "requests" only by case
          {"requests":[{"custom_id":"a","params":{"model":"x"}}],"requests":[]}            | AMBIGUOUS_MODEL | The batch has the field "requests" more than once
          {"requests":[{"custom_id":"a","params":{"model":7}}]}                            | MODEL_INVALID   | requests[0].params.model is a number; expected a string
          {"requests":[{"custom_id":"a","params":{"messages":[]}}]}                        | MODEL_MISSING   | requests[0] names no model
          {"requests":[{"custom_id":"a","params":{"model":"x"}},{"params":{"model":"y"}}]} | MALFORMED_BATCH | requests[1] has no "custom_id"
          {"requests":[{"custom_id":1,"params":{"model":"x"}}]}                            | MALFORMED_BATCH | requests[0].custom_id is a number; expected a string
          {"requests":[{"custom_id":"a"}]}                                                 | MALFORMED_BATCH | requests[0] has no "params" object
          {"requests":[{"custom_id":"a","params":"x"}]}                                    | MALFORMED_BATCH | requests[0].params is a string; expected an object
          {"requests":["x"]}                                                               | MALFORMED_BATCH | requests[0] is a string; expected an object
          {"requests":{}}                                                                  | MALFORMED_BATCH | "requests" is an object; expected an array
          {"requests":[]}                                                                  | MALFORMED_BATCH | "requests" is empty
          {"model":"x"}                                                                    | MALFORMED_BATCH | it has no "requests" array
          ``                                                                               | MALFORMED_JSON  | not a valid JSON object
          [1]                                                                              | MALFORMED_JSON  | the top-level value is an array
          {"requests":[{"custom_id":"a","params":{"model":"x",}}]}                         | MALFORMED_JSON  | not a valid JSON object
          {"requests":[{"custom_id":"a","params":{"model":"x"}}]} {}                       | MALFORMED_JSON  | content after the top-level object
          """)
  void refusesAMalformedOrAmbiguousEntryNamingWhereItIs(
      String body, RefusalReason reason, String message) {
    Checked<List<BatchEntry>> read = read(body);

    assertThat(read.isRefused()).isTrue();
    assertThat(read.refusal().reason()).contains(reason);
    assertThat(read.refusal().status()).isEqualTo(400);
    assertThat(read.refusal().detail()).contains(message);
  }

  @Test
  void refusesInvalidUtf8InAnyEntry() {
    byte[] body =
        "{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"model\":\"x\u00ff\"}}]}"
            .getBytes(StandardCharsets.ISO_8859_1);

    Checked<List<BatchEntry>> read = reader.readBatch(body, body.length, 10);

    assertThat(read.refusal().reason()).contains(RefusalReason.MALFORMED_JSON);
    assertThat(read.refusal().detail()).contains("invalid UTF-8");
  }

  @Test
  void refusesMoreEntriesThanTheLimitWith413NamingTheSetting() {
    String entry = "{\"custom_id\":\"a\",\"params\":{\"model\":\"x\"}}";
    String three = "{\"requests\":[" + String.join(",", entry, entry, entry) + "]}";

    assertThat(read(three, 3).isRefused()).isFalse();
    Checked<List<BatchEntry>> read = read(three, 2);
    assertThat(read.refusal().reason()).contains(RefusalReason.BATCH_TOO_LARGE);
    assertThat(read.refusal().status()).isEqualTo(413);
    assertThat(read.refusal().detail())
        .isEqualTo("The batch has more than 2 entries, the limit set by max-batch-entries.");
  }

  @Test
  void rewritesOnlyTheSubstitutedEntriesKeepingEveryOtherByte() {
    String body =
        "{\"requests\":[ {\"custom_id\":\"a\",\"params\":{\"model\":\"big-1\"}},\n"
            + "{\"custom_id\":\"b\",\"params\":{\"model\":\"mid-1\",\"note\":\"big-1\"}},"
            + "{\"custom_id\":\"c\",\"params\":{ \"model\" : \"big-\\u0031\"}}]}";
    List<BatchEntry> entries = read(body).value();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    CapturedBody captured = CapturedBody.of(bytes);

    CapturedBody rewritten =
        ModelRewriter.batch(captured, entries, Arrays.asList("mid-1", null, "mid-\"2"));

    String expected =
        "{\"requests\":[ {\"custom_id\":\"a\",\"params\":{\"model\":\"mid-1\"}},\n"
            + "{\"custom_id\":\"b\",\"params\":{\"model\":\"mid-1\",\"note\":\"big-1\"}},"
            + "{\"custom_id\":\"c\",\"params\":{ \"model\" : \"mid-\\\"2\"}}]}";
    assertThat(new String(rewritten.array(), 0, rewritten.length(), StandardCharsets.UTF_8))
        .isEqualTo(expected);
  }

  @Test
  void rewritingNeedsOneNewModelPerEntry() {
    String body = "{\"requests\":[{\"custom_id\":\"a\",\"params\":{\"model\":\"big-1\"}}]}";
    List<BatchEntry> entries = read(body).value();
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);

    assertThatThrownBy(() -> ModelRewriter.batch(CapturedBody.of(bytes), entries, List.of()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("1 entries but 0 new models.");
  }
}
