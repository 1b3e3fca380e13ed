package dev.geofence.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PrincipalSourceTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "none                | NONE           | ''        | none",
        "' None '            | NONE           | ''        | none",
        "user-principal      | USER_PRINCIPAL | ''        | user-principal",
        "attribute:account   | ATTRIBUTE      | account   | attribute:account",
        "attribute: tenant.id| ATTRIBUTE      | tenant.id | attribute:tenant.id",
        "header:X-Api-Key    | HEADER         | X-Api-Key | header:X-Api-Key",
        "HEADER:X-Api-Key    | HEADER         | X-Api-Key | header:X-Api-Key"
      })
  void parsesEachSource(String text, PrincipalSource.Kind kind, String name, String canonical) {
    PrincipalSource source = PrincipalSource.parse(text);

    assertThat(source.kind()).isEqualTo(kind);
    assertThat(source.name().orElse("")).isEqualTo(name);
    assertThat(source).hasToString(canonical);
    assertThat(PrincipalSource.parse(canonical)).isEqualTo(source);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "cookie:session        | Principal source 'cookie:session' is not known; expected none, user-principal, attribute:NAME or header:NAME",
        "''                    | Principal source '' is not known",
        "user-principal:alice  | Principal source 'user-principal:alice' is not known",
        "none:x                | Principal source 'none:x' is not known",
        "header:               | Principal source 'header:' names no header; expected header:NAME",
        "attribute             | Principal source 'attribute' names no attribute; expected attribute:NAME",
        "header:X Api Key      | Principal header 'X Api Key' is not a header name",
        "header:X-Api-Key:v2   | Principal header 'X-Api-Key:v2' is not a header name"
      })
  void rejectsWhatIsNotASource_sayingWhatIsAccepted(String text, String message) {
    assertThatThrownBy(() -> PrincipalSource.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
