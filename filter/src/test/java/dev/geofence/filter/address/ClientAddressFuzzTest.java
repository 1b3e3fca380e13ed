package dev.geofence.filter.address;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.geofence.filter.address.ClientAddress.Source;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Any forwarding header lines from any peer: the resolver never throws, never believes a header
 * from an untrusted peer, and never names a caller that a plain left-to-right reading of the same
 * lines would not. The reference splits each line into entries left to right (for {@code
 * Forwarded}, commas inside quoted strings do not split), then walks the entries from the right
 * exactly as documented, resolving each entry on its own. The resolver may refuse where the
 * reference names a caller (it enforces length and hop limits), but where the resolver names a
 * caller the reference must name the same one. A {@code Forwarded} line whose quotes do not pair up
 * left to right has no left-to-right reading: the resolver, which never reads left of the caller's
 * entry, takes the comma a proxy appended as the boundary, so such lines are only checked for the
 * other properties.
 *
 * <p>Input: the first byte picks the header and the peer; the rest is ISO-8859-1 text (as servlet
 * containers decode header values), one header line per {@code \n}.
 */
class ClientAddressFuzzTest {

  private static final TrustedProxies TRUSTED =
      TrustedProxies.parse("10.0.0.0/8, 203.0.113.1, 2001:db8:cafe::/48, ::1");
  private static final String[] PEERS = {
    "10.0.0.1", "198.51.100.7", "2001:db8:cafe::9", "::1", "", "not-an-address", "[::1]:80", null
  };
  private static final ClientAddressResolver XFF =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).build();
  private static final ClientAddressResolver FORWARDED =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).header(ProxyHeader.FORWARDED).build();
  private static final ClientAddressResolver XFF_UNCACHED =
      ClientAddressResolver.builder().trustedProxies(TRUSTED).cacheSize(0).build();
  private static final ClientAddressResolver FORWARDED_UNCACHED =
      ClientAddressResolver.builder()
          .trustedProxies(TRUSTED)
          .header(ProxyHeader.FORWARDED)
          .cacheSize(0)
          .build();

  @FuzzTest
  void headerNamesNoCallerThatTheLinesDoNotName(byte[] input) {
    if (input.length == 0) {
      return;
    }
    boolean forwarded = (input[0] & 1) == 1;
    String peer = PEERS[((input[0] & 0xFF) >>> 1) % PEERS.length];
    String text = new String(input, 1, input.length - 1, StandardCharsets.ISO_8859_1);
    List<String> lines = text.isEmpty() ? List.of() : List.of(text.split("\n", -1));
    ClientAddressResolver resolver = forwarded ? FORWARDED : XFF;

    ClientAddress client = resolver.resolve(peer, lines);

    // The cache changes nothing, and neither does asking twice.
    assertThat((forwarded ? FORWARDED_UNCACHED : XFF_UNCACHED).resolve(peer, lines))
        .isEqualTo(client);
    assertThat(resolver.resolve(peer, lines)).isEqualTo(client);
    assertThat(client.address().isPresent()).isEqualTo(client.source() != Source.UNRESOLVABLE);
    if (!resolver.trusts(peer)) {
      assertThat(client.source()).isNotEqualTo(Source.HEADER);
    }
    if (client.source() == Source.HEADER
        && (!forwarded || lines.stream().allMatch(l -> elements(l) != null))) {
      assertThat(reference(resolver, peer, lines, forwarded))
          .as("the caller a left-to-right reading of %s names", lines)
          .isEqualTo(client.address());
    }
  }

  /**
   * The caller by the documented walk over entries split left to right; empty where that walk stops
   * without one.
   */
  private static Optional<InetAddress> reference(
      ClientAddressResolver resolver, String peer, List<String> lines, boolean forwarded) {
    Optional<InetAddress> leftmost = Optional.empty();
    for (int l = lines.size() - 1; l >= 0; l--) {
      List<String> entries =
          forwarded ? elements(lines.get(l)) : List.of(lines.get(l).split(",", -1));
      if (entries == null) {
        return Optional.empty();
      }
      for (int e = entries.size() - 1; e >= 0; e--) {
        ClientAddress one = resolver.resolve(peer, List.of(entries.get(e)));
        if (one.source() != Source.HEADER) {
          return Optional.empty();
        }
        leftmost = one.address();
        if (!resolver.trusts(leftmost.get().getHostAddress())) {
          return leftmost;
        }
      }
    }
    return leftmost;
  }

  /**
   * RFC 7239 elements of one line, split at commas outside quoted strings (a backslash escapes the
   * next character inside one); null if a quoted string is not closed.
   */
  private static List<String> elements(String line) {
    List<String> elements = new ArrayList<>();
    int start = 0;
    boolean quoted = false;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quoted && c == '\\') {
        i++;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ',' && !quoted) {
        elements.add(line.substring(start, i));
        start = i + 1;
      }
    }
    if (quoted) {
      return null;
    }
    elements.add(line.substring(start));
    return elements;
  }
}
