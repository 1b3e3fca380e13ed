package dev.geofence.mmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpNetworkTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "192.0.2.0/24, 192.0.2.0/24",
    "10.0.0.1, 10.0.0.1/32",
    "0.0.0.0/0, 0.0.0.0/0",
    "2001:DB8::/32, 2001:db8::/32",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1/128",
    "::/0, ::/0",
    "::ffff:192.0.2.0/120, 192.0.2.0/24",
    "::1.2.3.4/128, ::102:304/128",
    " 198.51.100.0/24 , 198.51.100.0/24",
  })
  void parsesAndFormatsCanonically(String text, String canonical) {
    assertThat(IpNetwork.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com/24 | not an IP address literal",
        "1.2.3/24 | not an IP address literal",
        "1.2.3.256 | not an IP address literal",
        "01.2.3.4.5 | not an IP address literal",
        "1.2.3.0/33 | Invalid prefix length",
        "1.2.3.0/ | Invalid prefix length",
        "1.2.3.0/-1 | Invalid prefix length",
        "2001:db8::/129 | Invalid prefix length",
        "1.2.3.4/24 | did you mean 1.2.3.0/24",
        "2001:db8::1/32 | did you mean 2001:db8::/32",
        "::ffff:1.2.3.4/95 | bits set past its prefix",
        "fe80::1%eth0 | not an IP address literal",
        "gggg::1 | not an IP address literal",
      })
  void rejectsWhatIsNotANetworkLiteral(String text, String message) {
    assertThatThrownBy(() -> IpNetwork.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest(name = "{0} - {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0.0.0 | 1.0.0.255 | 1.0.0.0/24",
        "1.0.0.1 | 1.0.0.1 | 1.0.0.1/32",
        "1.0.0.1 | 1.0.1.0 | 1.0.0.1/32 1.0.0.2/31 1.0.0.4/30 1.0.0.8/29 1.0.0.16/28 1.0.0.32/27 1.0.0.64/26 1.0.0.128/25 1.0.1.0/32",
        "0.0.0.0 | 255.255.255.255 | 0.0.0.0/0",
        "10.0.0.0 | 10.2.255.255 | 10.0.0.0/15 10.2.0.0/16",
        ":: | ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff | ::/0",
        "2001:db8:: | 2001:db8:0:1::ffff | 2001:db8::/64 2001:db8:0:1::/112",
      })
  void rangeIsCoveredByTheFewestNetworks(String first, String last, String networks) {
    assertThat(IpNetwork.range(first, last))
        .map(IpNetwork::toString)
        .isEqualTo(List.of(networks.split(" ")));
  }

  @ParameterizedTest(name = "{0} - {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "1.0.0.9 | 1.0.0.8 | is after its end",
        "1.0.0.0 | 2001:db8:: | mixes IPv4 and IPv6",
        "1.0.0.0 | host.example | not an IP address literal",
      })
  void badRangesAreRejected(String first, String last, String message) {
    assertThatThrownBy(() -> IpNetwork.range(first, last))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }
}
