package dev.geofence.filter.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CidrTest {

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            10.0.0.0/8|10.0.0.0/8
            ' 10.0.0.0/8 '|10.0.0.0/8
            192.0.2.7|192.0.2.7/32
            192.0.2.7/32|192.0.2.7/32
            0.0.0.0/0|0.0.0.0/0
            ::1|::1/128
            ::1/128|::1/128
            ::/0|::/0
            2001:db8::/32|2001:db8::/32
            2001:DB8:0:0::/64|2001:db8::/64
            fe80::/10|fe80::/10
            ::ffff:10.0.0.0/104|10.0.0.0/8
            ::ffff:0:0/96|0.0.0.0/0
            ::ffff:192.0.2.7|192.0.2.7/32
            ::ffff:c000:207/128|192.0.2.7/32
            10.0.0.0/008|10.0.0.0/8
            """)
  void parse_readsCidrNotation(String text, String canonical) {
    assertThat(Cidr.parse(text)).hasToString(canonical);
    assertThat(Cidr.parse(text)).isEqualTo(Cidr.parse(canonical));
  }

  @ParameterizedTest(name = "[{index}] {0} contains {1}: {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            10.0.0.0/8|10.0.0.0|true
            10.0.0.0/8|10.255.255.255|true
            10.0.0.0/8|11.0.0.0|false
            10.0.0.0/8|9.255.255.255|false
            10.0.0.0/8|::ffff:10.1.2.3|true
            10.0.0.0/8|::a01:203|false
            10.0.0.0/8|2001:db8::1|false
            192.0.2.7|192.0.2.7|true
            192.0.2.7|192.0.2.8|false
            172.16.0.0/12|172.31.255.255|true
            172.16.0.0/12|172.32.0.0|false
            0.0.0.0/0|203.0.113.9|true
            0.0.0.0/0|2001:db8::1|false
            ::/0|203.0.113.9|true
            ::/0|2001:db8::1|true
            ::1|::1|true
            ::1|::2|false
            ::1|127.0.0.1|false
            2001:db8::/32|2001:db8:ffff:ffff:ffff:ffff:ffff:ffff|true
            2001:db8::/32|2001:db9::|false
            2001:db8::/32|2001:db7:ffff::|false
            2001:db8::/64|2001:db8::1%eth0|true
            2001:db8:0:0:8000::/65|2001:db8::8000:0:0:1|true
            2001:db8:0:0:8000::/65|2001:db8::7fff:0:0:1|false
            fe80::/10|febf::1|true
            fe80::/10|fec0::1|false
            ::ffff:0:0/96|1.2.3.4|true
            """)
  void contains_matchesAddressesInTheNetwork(String cidr, String address, boolean expected) {
    assertThat(Cidr.parse(cidr).contains(IpAddresses.parse(address))).isEqualTo(expected);
  }

  @Test
  void ipv4Network_containsAnInet6AddressHoldingTheMappedForm() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3};
    InetAddress inet6 = Inet6Address.getByAddress(null, mapped, -1);

    assertThat(inet6).isInstanceOf(Inet6Address.class);
    assertThat(Cidr.parse("10.0.0.0/8").contains(inet6)).isTrue();
    assertThat(new Cidr(Inet6Address.getByAddress(null, mapped, -1), 128))
        .isEqualTo(Cidr.parse("10.1.2.3/32"));
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            ''|is not a network in CIDR notation
            ' '|is not a network in CIDR notation
            example.com/8|is not a network in CIDR notation
            localhost|is not a network in CIDR notation
            10.0.0/8|is not a network in CIDR notation
            010.0.0.0/8|is not a network in CIDR notation
            10.0.0.0.0/8|is not a network in CIDR notation
            1.2.3.4:80/32|is not a network in CIDR notation
            [::1]/128|is not a network in CIDR notation
            [::1]|is not a network in CIDR notation
            10.0.0.0/8/9|has an invalid prefix length
            10.0.0.0/|has an invalid prefix length
            10.0.0.0/33|has an invalid prefix length; expected a number from 0 to 32
            10.0.0.0/-1|has an invalid prefix length
            10.0.0.0/+8|has an invalid prefix length
            10.0.0.0/ 8|has an invalid prefix length
            10.0.0.0/1000|has an invalid prefix length
            10.0.0.0/8a|has an invalid prefix length
            ::/129|has an invalid prefix length; expected a number from 0 to 128
            10.0.0.1/8|has bits set after the prefix length; did you mean 10.0.0.0/8?
            192.168.1.1/24|did you mean 192.168.1.0/24?
            2001:db8::1/32|did you mean 2001:db8::/32?
            ::ffff:10.0.0.0/80|an IPv4-mapped network needs a prefix length of 96 or more
            """)
  void parse_rejectsBadInputNamingTheValue(String text, String problem) {
    assertThatThrownBy(() -> Cidr.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + text + "'")
        .hasMessageContaining(problem);
  }

  @Test
  void constructor_validatesPrefixLengthAndHostBits() {
    InetAddress ten = IpAddresses.parse("10.0.0.0");
    assertThatThrownBy(() -> new Cidr(ten, 33))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("The prefix length 33 is out of range for 10.0.0.0; expected 0-32");
    assertThatThrownBy(() -> new Cidr(ten, -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> new Cidr(IpAddresses.parse("10.0.0.1"), 8))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "10.0.0.1/8 has bits set after the prefix length; did you mean 10.0.0.0/8?");
    assertThatThrownBy(() -> new Cidr(null, 8))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("network");
  }

  @Test
  void parse_rejectsNull() {
    assertThatThrownBy(() -> Cidr.parse(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("text");
  }
}
