package dev.geofence.policy;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GlobTest {

  @ParameterizedTest(name = "''{0}'' matches ''{1}'': {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          claude-opus-4*   | claude-opus-4              | true
          claude-opus-4*   | claude-opus-4-1-20250805   | true
          claude-opus-4*   | CLAUDE-OPUS-4              | true
          claude-opus-4*   | '  claude-opus-4 '         | true
          claude-opus-4*   | claude-opus-3              | false
          claude-opus-4*   | xclaude-opus-4             | false
          claude-haiku-*   | claude-haiku-              | true
          claude-haiku-*   | claude-haiku               | false
          *-sonnet-*       | claude-3-5-sonnet-latest   | true
          *-sonnet-*       | sonnet                     | false
          gpt-?o           | gpt-4o                     | true
          gpt-?o           | gpt-40o                    | false
          a*b*c            | abbbc                      | true
          a*b*c            | acb                        | false
          a*b*c            | aXbYbZc                    | true
          exact            | exact                      | true
          exact            | exactly                    | false
          *                | ''                         | true
          '  Mixed-Case* ' | mixed-case-1               | true
          """)
  void matchesCaseInsensitivelyOnTheTrimmedId(String pattern, String model, boolean matches) {
    assertThat(new Glob(pattern).matches(model)).isEqualTo(matches);
  }
}
