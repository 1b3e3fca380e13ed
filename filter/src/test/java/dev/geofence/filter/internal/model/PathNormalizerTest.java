package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.internal.response.Checked;
import dev.geofence.filter.internal.response.RefusalReason;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PathNormalizerTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            /v1/messages                      | /v1/messages
            /v1//messages                     | /v1/messages
            //v1///messages                   | /v1/messages
            /v1/./messages                    | /v1/messages
            /./v1/messages                    | /v1/messages
            /v1/x/../messages                 | /v1/messages
            /v1/messages;jsessionid=ABC       | /v1/messages
            /v1;a=b/messages;c                | /v1/messages
            /v1/;x/messages                   | /v1/messages
            /v1/%6Dessages                    | /v1/messages
            /v1/%6d%65ssages                  | /v1/messages
            /V1/Messages                      | /V1/Messages
            /v1/messages/                     | /v1/messages/
            /v1/messages/.                    | /v1/messages/
            /v1/messages/x/..                 | /v1/messages/
            /v1/messages?x=1                  | /v1/messages
            /v1/messages#frag                 | /v1/messages
            ''                                | /
            /                                 | /
            /.                                | /
            /v1/..                            | /
            /v1beta/models/gemini-1.5-pro:generateContent | /v1beta/models/gemini-1.5-pro:generateContent
            /model/anthropic.claude-3-5-sonnet-20240620-v1%3A0/invoke | /model/anthropic.claude-3-5-sonnet-20240620-v1:0/invoke
            /v1/caf%C3%A9                     | /v1/café
            /v1/a%2Bb+c                       | /v1/a+b+c
            /v1/%25                           | /v1/%
            /v1/..x/a.b/...                   | /v1/..x/a.b/...
            """)
  void normalizes_tricky_paths_to_one_canonical_form(String raw, String expected) {
    Checked<String> result = PathNormalizer.normalize(raw);

    assertThat(result.isRefused()).as("rejected: %s", result).isFalse();
    assertThat(result.value()).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} rejected: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            /v1/%2e/messages                  | encoded dot segment
            /v1/%2E%2E/admin                  | encoded dot segment
            /v1/.%2e/admin                    | encoded dot segment
            /v1/%2e%2E                        | encoded dot segment
            /v1%2Fmessages                    | '/'
            /v1%2fmessages                    | '/'
            /v1%5Cmessages                    | '\\'
            /v1\\messages                     | '\\'
            /v1/messages%3Bjsessionid=1       | ';'
            /v1/mess%00ages                   | control character
            /v1/mess%0Aages                   | control character
            /v1/%zz                           | malformed %-escape
            /v1/%4                            | malformed %-escape
            /v1/%                             | malformed %-escape
            /v1/%C3%28                        | not UTF-8
            /v1/%C0%AF                        | not UTF-8
            /..                               | climbs above the root
            /v1/../../etc                     | climbs above the root
            v1/messages                       | does not start with '/'
            *                                 | does not start with '/'
            """)
  void rejects_paths_containers_may_read_differently(String raw, String why) {
    Checked<String> result = PathNormalizer.normalize(raw);

    assertThat(result.isRefused()).as("%s -> %s", raw, result).isTrue();
    assertThat(result.refusal().reason()).contains(RefusalReason.MALFORMED_PATH);
    assertThat(result.refusal().status()).isEqualTo(400);
    assertThat(result.refusal().detail()).contains(why);
  }

  @ParameterizedTest(name = "{0} in context {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            /api/v1/messages          | /api  | /v1/messages
            /api                      | /api  | /
            /api/                     | /api  | /
            /api//v1/./messages       | /api  | /v1/messages
            /v1/messages              | ''    | /v1/messages
            /a%70i/v1/messages        | /api  | /v1/messages
            """)
  void strips_the_context_path_after_normalising_both(String raw, String context, String expected) {
    assertThat(PathNormalizer.normalize(raw, context).value()).isEqualTo(expected);
  }

  @Test
  void rejects_a_path_that_leaves_its_context() {
    Checked<String> result = PathNormalizer.normalize("/api/../other/v1", "/api");

    assertThat(result.refusal().detail()).contains("outside the context path '/api'");
  }

  @Test
  void shortens_very_long_paths_in_the_message() {
    String raw = "/" + "a".repeat(500) + "/%zz";

    assertThat(PathNormalizer.normalize(raw).refusal().detail())
        .hasSizeLessThan(600)
        .contains("...");
  }
}
