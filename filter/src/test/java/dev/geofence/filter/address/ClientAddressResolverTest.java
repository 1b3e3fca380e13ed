package dev.geofence.filter.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import dev.geofence.filter.address.ClientAddress.Source;
import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The walk over forwarding headers. Rows: a description, the TCP peer, the header lines, and the
 * outcome as {@code PEER addr}, {@code HEADER addr} or {@code UNKNOWN reason}.
 */
class ClientAddressResolverTest {

  /** Our proxies: private IPv4 networks, two public proxies, an IPv6 network and loopback. */
  private static final TrustedProxies TRUSTED =
      TrustedProxies.parse(
          "10.0.0.0/8, 192.168.0.0/16, 203.0.113.1, 203.0.113.2, 2001:db8:cafe::/48, ::1");

  private static final ClientAddressResolver XFF =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).build();
  private static final ClientAddressResolver FORWARDED =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).header(ProxyHeader.FORWARDED).build();
  private static final ClientAddressResolver REAL_IP =
      ClientAddressResolver.builder()
          .trustedProxies(TRUSTED)
          .header(ProxyHeader.single("X-Real-IP"))
          .build();

  private static final String CLIENT = "198.51.100.7";
  private static final String PROXY = "10.0.0.1";

  static Stream<Arguments> xForwardedFor() {
    return Stream.of(
        // Spoofing: the header counts only when the TCP peer is trusted.
        arguments(
            "untrusted peer: forged header ignored",
            CLIENT,
            List.of("6.6.6.6"),
            "PEER 198.51.100.7"),
        arguments(
            "untrusted peer claiming to be behind our proxy",
            CLIENT,
            List.of("6.6.6.6, 10.0.0.1"),
            "PEER 198.51.100.7"),
        arguments(
            "untrusted IPv6 peer: forged header ignored",
            "2001:db8:beef::1",
            List.of("6.6.6.6"),
            "PEER 2001:db8:beef::1"),
        arguments(
            "untrusted peer: garbage header ignored",
            CLIENT,
            List.of("garbage"),
            "PEER 198.51.100.7"),
        arguments(
            "untrusted peer: oversized header ignored",
            CLIENT,
            List.of("1.1.1.1, ".repeat(3000)),
            "PEER 198.51.100.7"),
        arguments("trusted peer without header", PROXY, List.of(), "PEER 10.0.0.1"),
        arguments("trusted peer, one address", PROXY, List.of(CLIENT), "HEADER 198.51.100.7"),
        arguments(
            "forged entry left of the client",
            PROXY,
            List.of("6.6.6.6, 198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "forged entries left of the client, two proxies",
            PROXY,
            List.of("6.6.6.6, 7.7.7.7, 198.51.100.7, 10.0.0.2"),
            "HEADER 198.51.100.7"),
        arguments(
            "forged trusted address left of the client",
            PROXY,
            List.of("10.9.9.9, 198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "every entry trusted: the left-most",
            PROXY,
            List.of("10.0.0.3, 10.0.0.2"),
            "HEADER 10.0.0.3"),
        arguments(
            "client inside a trusted network", PROXY, List.of("192.168.1.5"), "HEADER 192.168.1.5"),
        // Entries that are not addresses end the walk; only those reached count.
        arguments(
            "garbage at the right end",
            PROXY,
            List.of("198.51.100.7, garbage"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "garbage behind a trusted proxy is not skipped",
            PROXY,
            List.of("198.51.100.7, garbage, 10.0.0.2"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "garbage left of the client is not reached",
            PROXY,
            List.of("garbage, 198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "unknown is not skipped",
            PROXY,
            List.of("198.51.100.7, unknown, 10.0.0.2"),
            "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments("Unknown in any case", PROXY, List.of("Unknown"), "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments(
            "unknown with a port", PROXY, List.of("unknown:80"), "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments(
            "a word starting with unknown",
            PROXY,
            List.of("unknownhost"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "obfuscated is not skipped",
            PROXY,
            List.of("198.51.100.7, _hidden, 10.0.0.2"),
            "UNRESOLVABLE OBFUSCATED_ENTRY"),
        arguments(
            "host name is not resolved",
            PROXY,
            List.of("example.com"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "localhost is not resolved",
            PROXY,
            List.of("localhost, 10.0.0.2"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "wildcard DNS name is not resolved",
            PROXY,
            List.of("1.2.3.4.nip.io"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "empty entry in the middle",
            PROXY,
            List.of("198.51.100.7, , 10.0.0.2"),
            "UNRESOLVABLE EMPTY_ENTRY"),
        arguments("trailing comma", PROXY, List.of("198.51.100.7,"), "UNRESOLVABLE EMPTY_ENTRY"),
        arguments("empty header", PROXY, List.of(""), "UNRESOLVABLE EMPTY_ENTRY"),
        arguments("blank header", PROXY, List.of(" \t "), "UNRESOLVABLE EMPTY_ENTRY"),
        arguments(
            "leading comma is not reached",
            PROXY,
            List.of(", 198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "octal-looking entry", PROXY, List.of("010.0.0.1"), "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments("short-form entry", PROXY, List.of("127.1"), "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments("integer entry", PROXY, List.of("3325256711"), "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "quoted entry", PROXY, List.of("\"198.51.100.7\""), "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "Forwarded syntax in X-Forwarded-For",
            PROXY,
            List.of("for=198.51.100.7"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "obfuscated port is RFC 7239 only",
            PROXY,
            List.of("198.51.100.7:_p"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "CR LF inside a value",
            PROXY,
            List.of("198.51.100.7\r\nX-Evil: 1"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        // Address forms.
        arguments("IPv4 with port", PROXY, List.of("198.51.100.7:5678"), "HEADER 198.51.100.7"),
        arguments(
            "bracketed IPv6 with port", PROXY, List.of("[2001:db8::7]:443"), "HEADER 2001:db8::7"),
        arguments("bracketed IPv6", PROXY, List.of("[2001:db8::7]"), "HEADER 2001:db8::7"),
        arguments("bare IPv6", PROXY, List.of("2001:DB8:0:0:0:0:0:7"), "HEADER 2001:db8::7"),
        arguments("IPv6 with zone", PROXY, List.of("fe80::7%eth0"), "HEADER fe80::7"),
        arguments(
            "IPv4-mapped IPv6 is IPv4",
            PROXY,
            List.of("::ffff:198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "IPv4-mapped trusted proxy is skipped",
            PROXY,
            List.of("198.51.100.7, ::ffff:10.0.0.2"),
            "HEADER 198.51.100.7"),
        arguments(
            "white space around entries",
            PROXY,
            List.of("  198.51.100.7 ,\t10.0.0.2  "),
            "HEADER 198.51.100.7"),
        arguments("no white space", PROXY, List.of("198.51.100.7,10.0.0.2"), "HEADER 198.51.100.7"),
        // IPv6 proxies.
        arguments("IPv6 trusted peer", "2001:db8:cafe::1", List.of(CLIENT), "HEADER 198.51.100.7"),
        arguments(
            "IPv6 trusted peer in servlet long form",
            "2001:db8:cafe:0:0:0:0:1",
            List.of(CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "IPv6 trusted peer in brackets",
            "[2001:db8:cafe::1]",
            List.of(CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "IPv6 chain through IPv6 proxies",
            "::1",
            List.of("2001:db8::7, 2001:db8:cafe::2, 2001:db8:cafe::3"),
            "HEADER 2001:db8::7"),
        arguments(
            "loopback peer in long form",
            "0:0:0:0:0:0:0:1",
            List.of(CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "IPv4-mapped trusted peer", "::ffff:10.0.0.1", List.of(CLIENT), "HEADER 198.51.100.7"),
        arguments(
            "untrusted link-local peer with zone", "fe80::1%eth0", List.of(CLIENT), "PEER fe80::1"),
        arguments(
            "untrusted peer just outside the IPv6 network",
            "2001:db8:caff::1",
            List.of("6.6.6.6"),
            "PEER 2001:db8:caff::1"),
        // Several header lines are one list, in order.
        arguments(
            "lines joined in order",
            PROXY,
            List.of("6.6.6.6", "198.51.100.7, 10.0.0.2"),
            "HEADER 198.51.100.7"),
        arguments(
            "last line is right-most",
            PROXY,
            List.of("198.51.100.8", "198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "last line is right-most, swapped",
            PROXY,
            List.of("198.51.100.7", "198.51.100.8"),
            "HEADER 198.51.100.8"),
        arguments(
            "trusted last line skipped",
            PROXY,
            List.of("198.51.100.7", "10.0.0.2"),
            "HEADER 198.51.100.7"),
        arguments(
            "garbage line reached",
            PROXY,
            List.of("garbage", "10.0.0.2"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "empty last line", PROXY, List.of("198.51.100.7", ""), "UNRESOLVABLE EMPTY_ENTRY"),
        // Peers that are not addresses.
        arguments("missing peer", null, List.of(CLIENT), "UNRESOLVABLE BAD_PEER"),
        arguments("empty peer", "", List.of(CLIENT), "UNRESOLVABLE BAD_PEER"),
        arguments("peer host name", "localhost", List.of(CLIENT), "UNRESOLVABLE BAD_PEER"),
        arguments("peer list", "10.0.0.1, 10.0.0.2", List.of(CLIENT), "UNRESOLVABLE BAD_PEER"),
        arguments("octal-looking peer", "010.0.0.1", List.of(CLIENT), "UNRESOLVABLE BAD_PEER"),
        // Bounds (defaults: 4096 characters, 20 hops).
        arguments(
            "20 hops",
            PROXY,
            List.of(CLIENT + ", " + "10.0.0.2, ".repeat(18) + "10.0.0.3"),
            "HEADER 198.51.100.7"),
        arguments(
            "21 hops",
            PROXY,
            List.of(CLIENT + ", " + "10.0.0.2, ".repeat(19) + "10.0.0.3"),
            "UNRESOLVABLE TOO_MANY_HOPS"),
        arguments(
            "padding left of the caller is never counted",
            PROXY,
            List.of("6.6.6.6, ".repeat(20) + CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "1,000 padding entries left of the caller",
            PROXY,
            List.of("6.6.6.6, ".repeat(1000) + CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "21 trusted hops and the caller: more than 20 entries walked",
            PROXY,
            List.of(CLIENT + ", " + "10.0.0.2, ".repeat(20) + "10.0.0.3"),
            "UNRESOLVABLE TOO_MANY_HOPS"),
        arguments(
            "21 lines: only the last is read",
            PROXY,
            Collections.nCopies(21, CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "21 trusted lines",
            PROXY,
            Collections.nCopies(21, "10.0.0.2"),
            "UNRESOLVABLE TOO_MANY_HOPS"),
        arguments(
            "a long junk line before the proxy's line",
            PROXY,
            List.of("x".repeat(100_000), CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "garbage, IPv6, ports and quotes left of the caller",
            PROXY,
            List.of(
                "garbage, [2001:db8::1]:80, \"1.2.3.4\", unknown, _x, , 1.2.3.4:99999, " + CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "4096 characters",
            PROXY,
            List.of(" ".repeat(4096 - CLIENT.length()) + CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "4097 characters",
            PROXY,
            List.of(" ".repeat(4097 - CLIENT.length()) + CLIENT),
            "UNRESOLVABLE HEADER_TOO_LONG"),
        arguments(
            "two lines of 2048 characters: only the last is walked",
            PROXY,
            List.of(
                " ".repeat(2048 - CLIENT.length()) + CLIENT,
                " ".repeat(2048 - CLIENT.length()) + CLIENT),
            "HEADER 198.51.100.7"),
        arguments(
            "4097 characters walked over two lines",
            PROXY,
            List.of(" ".repeat(2048 - CLIENT.length()) + CLIENT, " ".repeat(2040) + "10.0.0.2"),
            "UNRESOLVABLE HEADER_TOO_LONG"),
        arguments(
            "4096 characters walked over two entries",
            PROXY,
            List.of(" ".repeat(4096 - 1 - 8 - CLIENT.length()) + CLIENT + ",10.0.0.2"),
            "HEADER 198.51.100.7"),
        arguments(
            "4097 characters walked over two entries",
            PROXY,
            List.of(" ".repeat(4096 - 8 - CLIENT.length()) + CLIENT + ",10.0.0.2"),
            "UNRESOLVABLE HEADER_TOO_LONG"),
        arguments(
            "a megabyte", PROXY, List.of("1".repeat(1 << 20)), "UNRESOLVABLE HEADER_TOO_LONG"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource
  void xForwardedFor(String description, String peer, List<String> lines, String expected) {
    assertOutcome(XFF, peer, lines, expected);
  }

  /**
   * The four scenarios of Tomcat's RemoteIpFilter documentation, with host names replaced by
   * addresses: internal proxies 192.168.0.10 and .11, trusted proxy1 = 203.0.113.1 and proxy2 =
   * 203.0.113.2, untrusted-proxy = 198.51.100.99. Tomcat's internal/trusted distinction only
   * decides which proxies it lists in x-forwarded-by; both are trusted here.
   */
  static Stream<Arguments> tomcatRemoteIpFilterScenarios() {
    return Stream.of(
        arguments(
            "internal proxies",
            "192.168.0.10",
            List.of("140.211.11.130, 192.168.0.10"),
            "HEADER 140.211.11.130"),
        arguments(
            "trusted proxies",
            "192.168.0.10",
            List.of("140.211.11.130, 203.0.113.1, 203.0.113.2"),
            "HEADER 140.211.11.130"),
        arguments(
            "internal and trusted proxies",
            "192.168.0.10",
            List.of("140.211.11.130, 203.0.113.1, 203.0.113.2, 192.168.0.10"),
            "HEADER 140.211.11.130"),
        arguments(
            "an untrusted proxy",
            "192.168.0.10",
            List.of("140.211.11.130, 198.51.100.99, 203.0.113.1"),
            "HEADER 198.51.100.99"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource
  void tomcatRemoteIpFilterScenarios(
      String description, String peer, List<String> lines, String expected) {
    ClientAddressResolver tomcatLike =
        ClientAddressResolver.builder()
            .trustedProxies(
                TrustedProxies.parse("192.168.0.10, 192.168.0.11, 203.0.113.1, 203.0.113.2"))
            .build();
    assertOutcome(tomcatLike, peer, lines, expected);
  }

  static Stream<Arguments> forwarded() {
    return Stream.of(
        arguments(
            "untrusted peer: forged header ignored",
            CLIENT,
            List.of("for=6.6.6.6"),
            "PEER 198.51.100.7"),
        arguments(
            "untrusted peer: malformed header ignored",
            CLIENT,
            List.of("for=\"6.6"),
            "PEER 198.51.100.7"),
        arguments("trusted peer without header", PROXY, List.of(), "PEER 10.0.0.1"),
        arguments("one element", PROXY, List.of("for=198.51.100.7"), "HEADER 198.51.100.7"),
        arguments(
            "RFC 7239 example with proto and by",
            PROXY,
            List.of("for=192.0.2.60;proto=http;by=203.0.113.43"),
            "HEADER 192.0.2.60"),
        arguments(
            "RFC 7239 quoted bracketed IPv6 with port",
            PROXY,
            List.of("For=\"[2001:db8:cafe::17]:4711\", for=10.0.0.2"),
            "HEADER 2001:db8:cafe::17"),
        arguments(
            "quoted bracketed IPv6 with port",
            PROXY,
            List.of("for=\"[2001:db8::17]:4711\""),
            "HEADER 2001:db8::17"),
        arguments(
            "RFC 7239 two elements: right-most untrusted",
            PROXY,
            List.of("for=192.0.2.43, for=198.51.100.17"),
            "HEADER 198.51.100.17"),
        arguments(
            "forged element left of the client",
            PROXY,
            List.of("for=6.6.6.6, for=198.51.100.7;proto=https"),
            "HEADER 198.51.100.7"),
        arguments(
            "trusted proxies skipped",
            PROXY,
            List.of(
                "for=198.51.100.7;by=10.0.0.2, for=10.0.0.2;proto=https, for=\"[2001:db8:cafe::9]\""),
            "HEADER 198.51.100.7"),
        arguments(
            "every element trusted: the left-most",
            PROXY,
            List.of("for=10.0.0.3, for=10.0.0.2"),
            "HEADER 10.0.0.3"),
        // Case, quoting and white space.
        arguments(
            "upper-case parameter", PROXY, List.of("FOR=198.51.100.7"), "HEADER 198.51.100.7"),
        arguments(
            "mixed-case parameters",
            PROXY,
            List.of("Proto=https;fOr=198.51.100.7;BY=10.0.0.1"),
            "HEADER 198.51.100.7"),
        arguments("quoted IPv4", PROXY, List.of("for=\"198.51.100.7\""), "HEADER 198.51.100.7"),
        arguments(
            "quoted IPv4 with port",
            PROXY,
            List.of("for=\"198.51.100.7:8080\""),
            "HEADER 198.51.100.7"),
        arguments(
            "obfuscated port",
            PROXY,
            List.of("for=\"198.51.100.7:_abc-1\""),
            "HEADER 198.51.100.7"),
        arguments(
            "obfuscated port on IPv6",
            PROXY,
            List.of("for=\"[2001:db8::17]:_p\""),
            "HEADER 2001:db8::17"),
        arguments(
            "unquoted bracketed IPv6, tolerated",
            PROXY,
            List.of("for=[2001:db8::17]:4711"),
            "HEADER 2001:db8::17"),
        arguments(
            "bare IPv6, tolerated", PROXY, List.of("for=2001:db8::17"), "HEADER 2001:db8::17"),
        arguments(
            "IPv4-mapped", PROXY, List.of("for=\"[::ffff:198.51.100.7]\""), "HEADER 198.51.100.7"),
        arguments(
            "white space around delimiters",
            PROXY,
            List.of(" for = 198.51.100.7 ; proto=https ,for=10.0.0.2 "),
            "HEADER 198.51.100.7"),
        arguments(
            "empty parameters",
            PROXY,
            List.of(";for=198.51.100.7;;proto=https;"),
            "HEADER 198.51.100.7"),
        arguments(
            "comma inside another quoted parameter",
            PROXY,
            List.of("for=198.51.100.7;ext=\"a, for=6.6.6.6\""),
            "HEADER 198.51.100.7"),
        arguments(
            "escaped quote inside another parameter",
            PROXY,
            List.of("for=198.51.100.7;ext=\"a\\\", b\""),
            "HEADER 198.51.100.7"),
        // Not addresses: the walk ends unknown.
        arguments("unknown", PROXY, List.of("for=unknown"), "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments(
            "quoted unknown behind a trusted proxy",
            PROXY,
            List.of("for=198.51.100.7, for=\"unknown\", for=10.0.0.2"),
            "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments(
            "unknown with port",
            PROXY,
            List.of("for=\"unknown:4711\""),
            "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments(
            "obfuscated node",
            PROXY,
            List.of("for=198.51.100.7, for=_hidden, for=10.0.0.2"),
            "UNRESOLVABLE OBFUSCATED_ENTRY"),
        arguments(
            "RFC 7239 obfuscated example",
            PROXY,
            List.of("for=\"_gazonk\""),
            "UNRESOLVABLE OBFUSCATED_ENTRY"),
        arguments(
            "obfuscated node left of the client is not reached",
            PROXY,
            List.of("for=_hidden, for=198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "garbage value",
            PROXY,
            List.of("for=garbage, for=10.0.0.2"),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments("host name", PROXY, List.of("for=example.com"), "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "escaped characters are not unescaped",
            PROXY,
            List.of("for=\"\\198.51.100.7\""),
            "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "element without for",
            PROXY,
            List.of("proto=https;by=10.0.0.1"),
            "UNRESOLVABLE MISSING_FOR"),
        arguments(
            "right-most element without for",
            PROXY,
            List.of("for=198.51.100.7, by=10.0.0.1"),
            "UNRESOLVABLE MISSING_FOR"),
        arguments(
            "empty element",
            PROXY,
            List.of("for=198.51.100.7,, for=10.0.0.2"),
            "UNRESOLVABLE EMPTY_ENTRY"),
        arguments(
            "trailing comma", PROXY, List.of("for=198.51.100.7,"), "UNRESOLVABLE EMPTY_ENTRY"),
        arguments("empty quoted for", PROXY, List.of("for=\"\""), "UNRESOLVABLE EMPTY_ENTRY"),
        arguments("empty header", PROXY, List.of(""), "UNRESOLVABLE EMPTY_ENTRY"),
        // Broken syntax anywhere makes the header unusable.
        arguments(
            "unterminated quote",
            PROXY,
            List.of("for=\"198.51.100.7"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "unterminated quote left of the client is not read",
            PROXY,
            List.of("for=\"6.6, for=198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "stray element left of the client is not read",
            PROXY,
            List.of("garbage;;=, for=198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "junk line before the proxy's line",
            PROXY,
            List.of("for=\"" + "x".repeat(10_000), "for=198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "unterminated quote behind a trusted proxy is read",
            PROXY,
            List.of("for=\"6.6, for=10.0.0.2"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "closing quote without an opening one",
            PROXY,
            List.of("for=198.51.100.7\""),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "1,000 padding elements left of the client",
            PROXY,
            List.of("for=6.6.6.6, ".repeat(1000) + "for=198.51.100.7"),
            "HEADER 198.51.100.7"),
        arguments(
            "parameter without value", PROXY, List.of("for"), "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments("empty unquoted value", PROXY, List.of("for="), "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "value without name",
            PROXY,
            List.of("=198.51.100.7"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "for twice in one element",
            PROXY,
            List.of("for=198.51.100.7;FOR=6.6.6.6"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "trailing garbage after a value",
            PROXY,
            List.of("for=198.51.100.7 garbage"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "quote inside an unquoted value",
            PROXY,
            List.of("for=198.51.100.7\"x\""),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "comma inside the quoted for value",
            PROXY,
            List.of("for=\"198.51.100.7, for=10.0.0.2\""),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "comma inside the quoted for value behind a trusted proxy",
            PROXY,
            List.of("for=\"6.6.6.6,198.51.100.7\", for=10.0.0.2"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "control character in a quoted value",
            PROXY,
            List.of("for=\"198.51.100.7\n\""),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        arguments(
            "X-Forwarded-For syntax in Forwarded",
            PROXY,
            List.of("198.51.100.7"),
            "UNRESOLVABLE MALFORMED_ELEMENT"),
        // Lines and bounds.
        arguments(
            "lines joined in order",
            PROXY,
            List.of("for=6.6.6.6", "for=198.51.100.7", "for=10.0.0.2"),
            "HEADER 198.51.100.7"),
        arguments(
            "20 elements",
            PROXY,
            List.of("for=198.51.100.7" + ", for=10.0.0.2".repeat(19)),
            "HEADER 198.51.100.7"),
        arguments(
            "21 elements",
            PROXY,
            List.of("for=198.51.100.7" + ", for=10.0.0.2".repeat(20)),
            "UNRESOLVABLE TOO_MANY_HOPS"),
        arguments(
            "over 4096 characters",
            PROXY,
            List.of("for=198.51.100.7;ext=\"" + "x".repeat(4096) + "\""),
            "UNRESOLVABLE HEADER_TOO_LONG"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource
  void forwarded(String description, String peer, List<String> lines, String expected) {
    assertOutcome(FORWARDED, peer, lines, expected);
  }

  static Stream<Arguments> singleAddressHeader() {
    return Stream.of(
        arguments(
            "untrusted peer: forged header ignored",
            CLIENT,
            List.of("6.6.6.6"),
            "PEER 198.51.100.7"),
        arguments("trusted peer without header", PROXY, List.of(), "PEER 10.0.0.1"),
        arguments("one address", PROXY, List.of(CLIENT), "HEADER 198.51.100.7"),
        arguments(
            "one address with port", PROXY, List.of("198.51.100.7:8080"), "HEADER 198.51.100.7"),
        arguments("bracketed IPv6", PROXY, List.of("[2001:db8::7]"), "HEADER 2001:db8::7"),
        arguments("bare IPv6", PROXY, List.of(" 2001:db8::7 "), "HEADER 2001:db8::7"),
        arguments(
            "a trusted address is still the caller", PROXY, List.of("10.0.0.2"), "HEADER 10.0.0.2"),
        arguments(
            "comma-separated values",
            PROXY,
            List.of("6.6.6.6, 198.51.100.7"),
            "UNRESOLVABLE MULTIPLE_VALUES"),
        arguments("two lines", PROXY, List.of("6.6.6.6", CLIENT), "UNRESOLVABLE MULTIPLE_VALUES"),
        arguments("unknown", PROXY, List.of("unknown"), "UNRESOLVABLE UNKNOWN_ENTRY"),
        arguments("empty", PROXY, List.of(""), "UNRESOLVABLE EMPTY_ENTRY"),
        arguments("garbage", PROXY, List.of("garbage"), "UNRESOLVABLE UNPARSABLE_ENTRY"),
        arguments(
            "too long", PROXY, List.of(" ".repeat(5000) + CLIENT), "UNRESOLVABLE HEADER_TOO_LONG"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource
  void singleAddressHeader(String description, String peer, List<String> lines, String expected) {
    assertOutcome(REAL_IP, peer, lines, expected);
  }

  /**
   * A repeated entry is read in one pass from what the cache knows; that must find exactly what the
   * full walk finds, at every limit, for entries with spaces, ports, long IPv6 text and neighbours
   * that are not addresses.
   */
  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("knownEntryLines")
  void aKnownEntryIsReadAsTheFullWalkReadsIt(String line) {
    for (int limit = 1; limit <= line.length() + 2; limit++) {
      ClientAddressResolver cached =
          ClientAddressResolver.builder().trustedProxies(TRUSTED).maxHeaderLength(limit).build();
      ClientAddressResolver uncached =
          ClientAddressResolver.builder()
              .trustedProxies(TRUSTED)
              .maxHeaderLength(limit)
              .cacheSize(0)
              .build();
      for (String known : List.of("198.51.100.7", "10.0.0.2", "2001:db8:cafe::2", "1.2.3.4")) {
        cached.resolve(PROXY, List.of(known)); // so that each is known
      }
      cached.resolve(PROXY, List.of(line));

      assertThat(cached.resolve(PROXY, List.of(line)))
          .as("maxHeaderLength %d", limit)
          .isEqualTo(uncached.resolve(PROXY, List.of(line)));
    }
  }

  /**
   * A cache a third full keeps almost every caller: the filter's default table (65,536 slots)
   * holding 20,000 callers answers a repeat caller with the very object it made before, for all but
   * the few whose set of four is crowded. (Two slots per set lost one caller in twenty, and each
   * loss is a parse and new objects on every request of that caller.)
   */
  @Test
  void aCacheAThirdFullAnswersAlmostEveryRepeatCallerWithoutParsingAgain() {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder().trustedProxies(TRUSTED).cacheSize(65_536).build();
    List<String> callers = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      callers.add("198." + (18 + i / 65_536) + "." + (i / 256 % 256) + "." + (i % 256));
    }
    List<ClientAddress> first = new ArrayList<>();
    for (String caller : callers) {
      first.add(resolver.resolve(PROXY, List.of(caller)));
    }

    int same = 0;
    for (int i = 0; i < callers.size(); i++) {
      ClientAddress again = resolver.resolve(PROXY, List.of(callers.get(i)));
      assertThat(again).isEqualTo(first.get(i));
      same += again == first.get(i) ? 1 : 0;
    }
    assertThat(same).isGreaterThanOrEqualTo(19_700);
  }

  static Stream<String> knownEntryLines() {
    return Stream.of(
        "198.51.100.7, 10.0.0.2",
        "198.51.100.7 ,10.0.0.2",
        "  198.51.100.7,\t10.0.0.2  ",
        "1.2 .3.4, 10.0.0.2",
        "x1.2.3.4, 10.0.0.2",
        "1.2.3.4x, 10.0.0.2",
        "198.51.100.7,, 10.0.0.2",
        "unknown, 10.0.0.2",
        "198.51.100.7:8080, 10.0.0.2",
        "198.51.100.7, 10.0.0.2, ",
        "\u00e91.2.3.4, 10.0.0.2",
        "[2001:db8:cafe::1]:443, 2001:db8:cafe:0:0:0:0:2, 2001:db8:cafe::2",
        "2001:db8:0:0:0:0:0:7, 2001:db8:cafe::2",
        "2001:0db8:0000:0000:0000:0000:0000:0007, [2001:db8:cafe:0:0:0:0:1]:443",
        "2001:0db9:0000:0000:0000:0000:0000:0007, [2001:db8:cafe:0:0:0:0:1]:443",
        "garbage 198.51.100.7, 10.0.0.2");
  }

  private static void assertOutcome(
      ClientAddressResolver resolver, String peer, List<String> lines, String expected) {
    ClientAddress fromList = resolver.resolve(peer, lines);
    ClientAddress fromEnumeration = resolver.resolve(peer, Collections.enumeration(lines));

    assertThat(outcome(fromList)).isEqualTo(expected);
    assertThat(fromEnumeration).isEqualTo(fromList);
  }

  private static String outcome(ClientAddress address) {
    return switch (address.source()) {
      case PEER, HEADER ->
          address.source() + " " + IpAddresses.format(address.address().orElseThrow());
      case UNRESOLVABLE -> "UNRESOLVABLE " + address.reason().orElseThrow();
    };
  }

  @Test
  void headerResult_namesTheHeaderAndThePeer() {
    ClientAddress result = XFF.resolve("::ffff:10.0.0.1", List.of("198.51.100.7, 10.0.0.2"));

    assertThat(result.address()).contains(IpAddresses.parse(CLIENT));
    assertThat(result.source()).isEqualTo(Source.HEADER);
    assertThat(result.header()).contains("X-Forwarded-For");
    assertThat(result.peer()).contains(IpAddresses.parse("10.0.0.1"));
    assertThat(result.reason()).isEmpty();
    assertThat(result.isResolved()).isTrue();
    assertThat(result).hasToString("198.51.100.7 (X-Forwarded-For via 10.0.0.1)");
  }

  @Test
  void peerResult_hasNoHeader() {
    ClientAddress result = XFF.resolve(CLIENT, List.of("6.6.6.6"));

    assertThat(result).isEqualTo(ClientAddress.fromPeer(IpAddresses.parse(CLIENT)));
    assertThat(result.header()).isEmpty();
    assertThat(result).hasToString("198.51.100.7 (peer)");
  }

  @Test
  void unresolvableFromHeader_namesTheHeaderAndKeepsThePeer() {
    ClientAddress result = FORWARDED.resolve(PROXY, List.of("for=_hidden"));

    assertThat(result.address()).isEmpty();
    assertThat(result.source()).isEqualTo(Source.UNRESOLVABLE);
    assertThat(result.header()).contains("Forwarded");
    assertThat(result.peer()).contains(IpAddresses.parse(PROXY));
    assertThat(result.reason()).contains(UnresolvableReason.OBFUSCATED_ENTRY);
    assertThat(result.isResolved()).isFalse();
    assertThat(result).hasToString("unresolvable (OBFUSCATED_ENTRY in Forwarded, peer 10.0.0.1)");
  }

  @Test
  void badPeer_hasNeitherPeerNorHeader() {
    ClientAddress result = XFF.resolve("not-an-address", List.of(CLIENT));

    assertThat(result)
        .isEqualTo(ClientAddress.unresolvable(UnresolvableReason.BAD_PEER, null, null));
    assertThat(result.peer()).isEmpty();
    assertThat(result.header()).isEmpty();
  }

  @Test
  void defaults_trustNoProxyAndReadXForwardedFor() {
    ClientAddressResolver resolver = ClientAddressResolver.builder().build();

    assertThat(resolver.trustedProxies()).isEqualTo(TrustedProxies.none());
    assertThat(resolver.headerName()).isEqualTo("X-Forwarded-For");
    assertThat(resolver.maxHeaderLength()).isEqualTo(4096);
    assertThat(resolver.maxHops()).isEqualTo(20);
    // Not even loopback is trusted by default.
    assertThat(resolver.resolve("127.0.0.1", List.of(CLIENT)))
        .isEqualTo(ClientAddress.fromPeer(IpAddresses.parse("127.0.0.1")));
    assertThat(resolver.resolve("::1", List.of(CLIENT)).source()).isEqualTo(Source.PEER);
  }

  @Test
  void builder_appliesLimitsAndHeader() {
    ClientAddressResolver resolver =
        ClientAddressResolver.builder()
            .trustedProxies(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1"))
            .header(ProxyHeader.of("cf-connecting-ip"))
            .maxHeaderLength(20)
            .maxHops(1)
            .build();

    assertThat(resolver.headerName()).isEqualTo("cf-connecting-ip");
    assertThat(resolver.resolve("::1", List.of(CLIENT)).address())
        .contains(IpAddresses.parse(CLIENT));
    assertThat(resolver.resolve(PROXY, List.of(" ".repeat(20) + CLIENT)).reason())
        .contains(UnresolvableReason.HEADER_TOO_LONG);
    assertThat(resolver)
        .hasToString(
            "ClientAddressResolver[trustedProxies=10.0.0.0/8, ::1/128,"
                + " header=cf-connecting-ip, maxHeaderLength=20, maxHops=1]");

    ClientAddressResolver twoHops =
        ClientAddressResolver.builder().trustedProxies(TRUSTED).maxHops(2).build();
    assertThat(twoHops.resolve(PROXY, List.of("6.6.6.6, 198.51.100.7")).source())
        .isEqualTo(Source.HEADER);
    assertThat(twoHops.resolve(PROXY, List.of("6.6.6.6, 6.6.6.6, 198.51.100.7")).address())
        .contains(IpAddresses.parse(CLIENT));
    assertThat(twoHops.resolve(PROXY, List.of("198.51.100.7, 10.0.0.2")).address())
        .contains(IpAddresses.parse(CLIENT));
    assertThat(twoHops.resolve(PROXY, List.of("198.51.100.7, 10.0.0.2, 10.0.0.3")).reason())
        .contains(UnresolvableReason.TOO_MANY_HOPS);
    assertThat(twoHops.resolve(PROXY, List.of("6.6.6.6", "10.0.0.2", "10.0.0.3")).reason())
        .contains(UnresolvableReason.TOO_MANY_HOPS);
  }

  @Test
  void builder_rejectsBadValuesWhenSet() {
    assertThatThrownBy(() -> ClientAddressResolver.builder().maxHeaderLength(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxHeaderLength 0 is too small");
    assertThatThrownBy(() -> ClientAddressResolver.builder().maxHeaderLength(-5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-5");
    assertThatThrownBy(() -> ClientAddressResolver.builder().maxHops(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxHops 0 is too small");
    assertThatThrownBy(() -> ClientAddressResolver.builder().header(null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("header");
    assertThatThrownBy(() -> ClientAddressResolver.builder().trustedProxies((TrustedProxies) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("trustedProxies");
    assertThatThrownBy(
            () -> ClientAddressResolver.builder().trustedProxies(Cidr.parse("::1"), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void builder_rejectsAnOptionSetTwice() {
    assertThatThrownBy(() -> ClientAddressResolver.builder().maxHops(5).maxHops(6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxHops was already set to 5");
    assertThatThrownBy(() -> ClientAddressResolver.builder().maxHeaderLength(5).maxHeaderLength(6))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("maxHeaderLength was already set to 5");
    assertThatThrownBy(
            () ->
                ClientAddressResolver.builder()
                    .header(ProxyHeader.FORWARDED)
                    .header(ProxyHeader.FORWARDED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("header was already set");
    assertThatThrownBy(
            () -> ClientAddressResolver.builder().trustedProxies(TRUSTED).trustedProxies(TRUSTED))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("trustedProxies was already set");
  }

  @Test
  void resolve_rejectsNullHeaderLines() {
    assertThatThrownBy(() -> XFF.resolve(PROXY, (List<String>) null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("headerLines");
  }

  @Test
  void resolve_treatsANullLineAsEmpty() {
    List<String> lines = new ArrayList<>();
    lines.add(null);
    assertThat(XFF.resolve(PROXY, lines).reason()).contains(UnresolvableReason.EMPTY_ENTRY);
  }

  @Test
  void allocationPerEntryIsOnlyItsIndexRange() {
    // No substring, split or InetAddress per entry: walking 15 more entries may only cost their
    // three ints in the index table. Bytes are counted by the JVM for this thread; no timing.
    java.lang.management.ThreadMXBean bean =
        java.lang.management.ManagementFactory.getThreadMXBean();
    assumeTrue(bean instanceof com.sun.management.ThreadMXBean);
    com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) bean;
    assumeTrue(
        threads.isThreadAllocatedMemorySupported() && threads.isThreadAllocatedMemoryEnabled());
    // The caller is left-most and every other entry trusted, so the walk parses every entry.
    List<String> threeEntries = List.of(CLIENT + ", 10.0.0.2".repeat(2));
    List<String> eighteenEntries = List.of(CLIENT + ", 10.0.0.2".repeat(17));
    double[] bytesPerResolve = new double[2];
    int fromHeader = 0;
    for (int round = 0; round < 2; round++) { // the first round warms up
      for (int k = 0; k < 2; k++) {
        List<String> lines = k == 0 ? threeEntries : eighteenEntries;
        long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 1_000; i++) {
          fromHeader += XFF.resolve(PROXY, lines).source() == Source.HEADER ? 1 : 0;
        }
        bytesPerResolve[k] = (threads.getCurrentThreadAllocatedBytes() - before) / 1_000.0;
      }
    }

    assertThat(fromHeader).isEqualTo(4_000);
    assertThat(bytesPerResolve[0]).as("bytes per resolve of 3 entries").isLessThan(1024);
    assertThat(bytesPerResolve[1] - bytesPerResolve[0])
        .as("bytes for 15 more entries")
        .isLessThan(15 * 12 + 32);
  }

  @Test
  void oneResolverServesManyThreads() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Optional<String>>> results = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        results.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < 5_000; i++) {
                    String client = "198.51." + thread + "." + (i % 256);
                    ClientAddress a =
                        XFF.resolve(PROXY, List.of("6.6.6.6, " + client + ", 10.0.0.2"));
                    if (!a.address().map(IpAddresses::format).equals(Optional.of(client))) {
                      return Optional.of(client + " -> " + a);
                    }
                  }
                  return Optional.<String>empty();
                }));
      }
      for (Future<Optional<String>> result : results) {
        assertThat(result.get()).isEmpty();
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
