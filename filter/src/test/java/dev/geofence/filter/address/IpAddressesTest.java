package dev.geofence.filter.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressesTest {

  @ParameterizedTest(name = "[{index}] ''{0}'' -> {1}")
  @CsvSource(
      delimiter = '|',
      ignoreLeadingAndTrailingWhitespace = false,
      textBlock =
          """
            1.2.3.4|1.2.3.4
            0.0.0.0|0.0.0.0
            255.255.255.255|255.255.255.255
            192.0.2.10|192.0.2.10
            100.64.0.0|100.64.0.0
            '  1.2.3.4  '|1.2.3.4
            '\t1.2.3.4\t'|1.2.3.4
            1.2.3.4:5678|1.2.3.4
            1.2.3.4:0|1.2.3.4
            1.2.3.4:65535|1.2.3.4
            1.2.3.4:00080|1.2.3.4
            ::|::
            ::1|::1
            ::0|::
            0:0:0:0:0:0:0:1|::1
            0:0:0:0:0:0:0:0|::
            2001:db8::1|2001:db8::1
            2001:DB8::1|2001:db8::1
            2001:Db8::A:b|2001:db8::a:b
            2001:0db8:0000:0000:0000:0000:0000:0001|2001:db8::1
            2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1
            2001:db8::1:0:0:1|2001:db8::1:0:0:1
            1:2:3:4:5:6:7:8|1:2:3:4:5:6:7:8
            1::|1::
            1::8|1::8
            1:2:3:4:5:6:7::|1:2:3:4:5:6:7:0
            ::2:3:4:5:6:7:8|0:2:3:4:5:6:7:8
            1:2:3::5:6:7:8|1:2:3:0:5:6:7:8
            1:0:0:2:0:0:0:3|1:0:0:2::3
            2001:db8::1:443|2001:db8::1:443
            ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
            fe80::1%eth0|fe80::1
            fe80::1%25eth0|fe80::1
            fe80::1%2|fe80::1
            fe80::1%en0.1_x-y~|fe80::1
            [2001:db8::1]|2001:db8::1
            [2001:db8::1]:443|2001:db8::1
            [::1]:8080|::1
            [fe80::1%eth0]:8080|fe80::1
            '  [2001:db8::1]:443 '|2001:db8::1
            ::ffff:1.2.3.4|1.2.3.4
            ::FFFF:1.2.3.4|1.2.3.4
            0:0:0:0:0:ffff:1.2.3.4|1.2.3.4
            ::ffff:0102:0304|1.2.3.4
            ::ffff:102:304|1.2.3.4
            [::ffff:1.2.3.4]:80|1.2.3.4
            ::ffff:1.2.3.4%eth0|1.2.3.4
            ::1.2.3.4|::102:304
            64:ff9b::192.0.2.33|64:ff9b::c000:221
            1:2:3:4:5:6:1.2.3.4|1:2:3:4:5:6:102:304
            ::1:2:3:4:5:255.255.255.255|0:1:2:3:4:5:ffff:ffff
            2002:c000:0204::1|2002:c000:204::1
            """)
  void tryParse_acceptsEveryLiteralForm(String text, String canonical) {
    InetAddress address = IpAddresses.tryParse(text.replace("\\t", "\t")).orElseThrow();

    assertThat(IpAddresses.format(address)).isEqualTo(canonical);
    assertThat(address)
        .isInstanceOf(canonical.contains(":") ? Inet6Address.class : Inet4Address.class);
  }

  @ParameterizedTest(name = "[{index}] ''{0}''")
  @ValueSource(
      strings = {
        "",
        " ",
        "\t",
        ".",
        ":",
        "[]",
        "[ ]",
        // IPv4: wrong shape, out of range, ambiguous octal/hex/short forms
        "1.2.3",
        "1.2.3.4.5",
        "1.2.3.",
        ".1.2.3",
        "1..2.3",
        "256.1.1.1",
        "1.2.3.256",
        "1.2.3.999",
        "1.2.3.1000",
        "01.2.3.4",
        "1.2.3.010",
        "00.0.0.0",
        "1.2.3.04",
        "0x7f.0.0.1",
        "0X7F000001",
        "127.1",
        "127.0.1",
        "2130706433",
        "-1.2.3.4",
        "+1.2.3.4",
        "1.2.3.-4",
        "1.2.3.4e0",
        "1 .2.3.4",
        "1.2. 3.4",
        "1.2.3.4 5",
        "\uff11.\uff12.\uff13.\uff14",
        "\u0661.2.3.4",
        // IPv4 ports, zones, prefixes, brackets
        "1.2.3.4:",
        "1.2.3.4:65536",
        "1.2.3.4:123456",
        "1.2.3.4:-1",
        "1.2.3.4:http",
        "1.2.3.4 :80",
        "1.2.3.4: 80",
        "1.2.3.4:_abc",
        "1.2.3.4:80:80",
        "1.2.3.4%eth0",
        "1.2.3.4/24",
        "[1.2.3.4]",
        "[1.2.3.4]:80",
        // IPv6: wrong shape
        ":::",
        "1:::2",
        "1::2::3",
        "::1::",
        "12345::",
        "1:2:3:4:5:6:7:8:9",
        "1:2:3:4:5:6:7:8::",
        "::1:2:3:4:5:6:7:8",
        "1::2:3:4:5:6:7:8",
        ":1::",
        "1::2:",
        ":1:2:3:4:5:6:7:8",
        "1:2:3:4:5:6:7:8:",
        "1:2:3:4:5:6:7",
        "g::1",
        "2001:db8:::1",
        "2001:db8 ::1",
        "2001:db8::1\n",
        // IPv6 embedded IPv4
        "::ffff:1.2.3",
        "::ffff:1.2.3.256",
        "::ffff:01.2.3.4",
        "1.2.3.4::",
        "::1.2.3.4:5",
        "::1.2.3.4.5",
        "1:2:3:4:5:6:7:1.2.3.4",
        "1:2:3:4:5:1.2.3.4",
        "::ffff:1.2.3.4:80",
        "::1.2.3.4::",
        // IPv6 zones, brackets, ports
        "fe80::1%",
        "fe80::1%eth 0",
        "fe80::1%eth0]",
        "[2001:db8::1",
        "2001:db8::1]",
        "[2001:db8::1]:",
        "[2001:db8::1]80",
        "[2001:db8::1]:99999",
        "[2001:db8::1]:_abc",
        "[2001:db8::1]]",
        "[[2001:db8::1]]",
        "[2001:db8::1]:443:1",
        "2001:db8::1:443:",
        "[fe80::1%]:80",
        // names: never resolved
        "localhost",
        "example.com",
        "1.2.3.4.nip.io",
        "ip6-localhost",
        "unknown",
        "_hidden",
        "host:80",
        // quoting, control characters
        "\"1.2.3.4\"",
        "'1.2.3.4'",
        "1.2.3.4\n",
        "1.2.3.4\r\n",
        "\n1.2.3.4",
        "1.2.3.4\u0000",
        "1.2.3.4,5.6.7.8",
      })
  void tryParse_rejectsAnythingButALiteral(String text) {
    assertThat(IpAddresses.tryParse(text)).isEmpty();
  }

  @Test
  void tryParse_rejectsOverlongInputInLinearTime() {
    // A megabyte of digits or hex groups is rejected, not slowly chewed on.
    assertThat(IpAddresses.tryParse("1".repeat(1_000_000))).isEmpty();
    assertThat(IpAddresses.tryParse("1:".repeat(500_000) + "1")).isEmpty();
    assertThat(IpAddresses.tryParse("[" + "a".repeat(1_000_000))).isEmpty();
    assertThat(IpAddresses.tryParse("fe80::1%" + "x".repeat(1_000_000))).isPresent();
  }

  @Test
  void tryParse_ipv4MappedIsTheIpv4Address() throws Exception {
    assertThat(IpAddresses.tryParse("::ffff:192.0.2.1"))
        .contains(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, 1}));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "localhost",
        "example.com",
        "1.2.3.4.nip.io",
        "www.google.com",
        "invalid.",
        "localhost:80",
        "[localhost]"
      })
  void hostNamesAreNeverResolved(String name) {
    // These resolve (or would be tried) with InetAddress.getByName; here they are plainly not
    // literals.
    assertThat(IpAddresses.tryParse(name)).isEmpty();
    assertThatThrownBy(() -> IpAddresses.parse(name))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'" + name + "' is not an IP address");
  }

  @Test
  void resultsCarryNoHostName() {
    InetAddress address = IpAddresses.parse("192.0.2.1");
    // toString shows "hostname/literal"; an empty host name proves none was looked up or set.
    assertThat(address.toString()).isEqualTo("/192.0.2.1");
  }

  @Test
  void addressPackageSourceNeverCallsANameResolvingMethod() throws IOException {
    // Review as a test: the only way to make an InetAddress here is getByAddress. Javadoc may
    // mention the resolving methods as {@link InetAddress#getByName}; calls have a dot before them.
    Path dir = Path.of("src/main/java/dev/geofence/filter/address");
    List<Path> sources;
    try (Stream<Path> files = Files.list(dir)) {
      sources = files.filter(p -> p.toString().endsWith(".java")).collect(Collectors.toList());
    }
    assertThat(sources).isNotEmpty();
    for (Path source : sources) {
      String code = Files.readString(source);
      assertThat(code)
          .as(source.toString())
          .doesNotContain(
              ".getByName(",
              ".getAllByName(",
              ".getLocalHost(",
              ".getCanonicalHostName(",
              ".getHostName(",
              "new InetSocketAddress(",
              ".createUnresolved(");
    }
  }

  @Test
  void parse_messageNamesTheValueWithoutControlCharacters() {
    assertThatThrownBy(() -> IpAddresses.parse("1.2.3.4\r\nX-Injected: yes"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'1.2.3.4??X-Injected: yes' is not an IP address")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest(name = "[{index}] {0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            0:0:0:0:0:0:0:0|::
            0:0:0:0:0:0:0:1|::1
            1:0:0:0:0:0:0:0|1::
            2001:db8:0:0:1:0:0:1|2001:db8::1:0:0:1
            2001:db8:0:1:1:1:1:1|2001:db8:0:1:1:1:1:1
            1:0:0:2:0:0:0:3|1:0:0:2::3
            2001:DB8:0:0:0:0:2:1|2001:db8::2:1
            0:0:0:0:0:ffff:c000:201|192.0.2.1
            """)
  void format_isRfc5952(String jdkText, String expected) throws Exception {
    // getByName on a literal does no look-up; it is the JDK's parser as an independent reference.
    assertThat(IpAddresses.format(InetAddress.getByName(jdkText))).isEqualTo(expected);
  }

  @Test
  void format_mappedInet6AddressAsDottedQuad() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, (byte) 192, 0, 2, 1};
    assertThat(IpAddresses.format(Inet6Address.getByAddress(null, mapped, -1)))
        .isEqualTo("192.0.2.1");
  }

  @Test
  void agreesWithTheJdkParserOnRandomAddresses() throws Exception {
    Random random = new Random(20240601);
    for (int i = 0; i < 5_000; i++) {
      byte[] bytes = new byte[random.nextBoolean() ? 4 : 16];
      random.nextBytes(bytes);
      if (bytes.length == 16 && random.nextInt(4) == 0) {
        // Runs of zero groups, so that "::" appears in many places.
        int from = random.nextInt(16);
        for (int k = from; k < Math.min(16, from + random.nextInt(12)); k++) {
          bytes[k] = 0;
        }
      }
      InetAddress expected = InetAddress.getByAddress(bytes);

      // Our canonical text, the JDK's full text, and our text with a port all read back the same.
      assertThat(IpAddresses.tryParse(IpAddresses.format(expected))).contains(expected);
      assertThat(IpAddresses.tryParse(expected.getHostAddress())).contains(expected);
      String withPort =
          expected instanceof Inet6Address
              ? "[" + IpAddresses.format(expected) + "]:443"
              : IpAddresses.format(expected) + ":443";
      assertThat(IpAddresses.tryParse(withPort)).contains(expected);
      // And the JDK reads our canonical text as the same address.
      assertThat(InetAddress.getByName(IpAddresses.format(expected))).isEqualTo(expected);
    }
  }
}
