package dev.geofence.filter.address;

import dev.geofence.filter.address.ClientAddress.UnknownReason;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the caller's address from the TCP peer address and, when the peer is a trusted proxy, the
 * forwarding header it set.
 *
 * <ol>
 *   <li>The peer address must be an IP address, otherwise the caller is unknown ({@code BAD_PEER}).
 *   <li>If the peer is not a trusted proxy, the caller is the peer and the header is ignored:
 *       anyone can write any header. With the default {@link TrustedProxies#none()} this is always
 *       the case.
 *   <li>If the peer is trusted and sent no header, the caller is the peer.
 *   <li>Otherwise the header's lines are joined in order with commas and its entries are walked
 *       from the right: trusted proxies are skipped, and the first untrusted address is the caller.
 *       If every entry is trusted, the left-most is the caller (as Tomcat's {@code RemoteIpFilter}
 *       does).
 *   <li>An entry that is not an address ({@code unknown}, {@code _hidden}, empty, a host name,
 *       garbage) ends the walk with the caller unknown: it is never skipped, because everything to
 *       its left was written by someone no trusted proxy vouches for.
 *   <li>A header longer than {@link Builder#maxHeaderLength} or with more than {@link
 *       Builder#maxHops} entries makes the caller unknown before any parsing.
 * </ol>
 *
 * Nothing here resolves a host name. Reaching an entry costs one parse; the work is bounded by the
 * maximum header length.
 *
 * <p>Immutable and thread-safe: one instance serves every request.
 */
public final class ClientAddressResolver {

  private static final Logger LOG = LoggerFactory.getLogger(ClientAddressResolver.class);

  /**
   * Default {@link Builder#maxHeaderLength}: room for the ~40 hops of IPv6 with ports, far more
   * than real chains.
   */
  public static final int DEFAULT_MAX_HEADER_LENGTH = 4096;

  /** Default {@link Builder#maxHops}. */
  public static final int DEFAULT_MAX_HOPS = 20;

  private final TrustedProxies trustedProxies;
  private final ProxyHeader header;
  private final int maxHeaderLength;
  private final int maxHops;

  private ClientAddressResolver(Builder builder) {
    this.trustedProxies =
        builder.trustedProxies == null ? TrustedProxies.none() : builder.trustedProxies;
    this.header = builder.header == null ? ProxyHeader.X_FORWARDED_FOR : builder.header;
    this.maxHeaderLength =
        builder.maxHeaderLength == 0 ? DEFAULT_MAX_HEADER_LENGTH : builder.maxHeaderLength;
    this.maxHops = builder.maxHops == 0 ? DEFAULT_MAX_HOPS : builder.maxHops;
  }

  /**
   * A builder starting from the defaults: no trusted proxy, {@code X-Forwarded-For}, 4096
   * characters, 20 hops.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Resolves the caller of one request.
   *
   * @param peerAddress the TCP peer address, as {@code ServletRequest.getRemoteAddr()} gives it;
   *     may be null (some connectors have none), which makes the caller unknown
   * @param headerLines every line of the configured header, in the order received ({@code
   *     HttpServletRequest.getHeaders(headerName())}); empty if absent; not null
   * @return the caller, never null; never throws for any request content
   */
  public ClientAddress resolve(String peerAddress, Enumeration<String> headerLines) {
    Objects.requireNonNull(headerLines, "headerLines");
    return resolve(peerAddress, headerLines.asIterator());
  }

  /**
   * Resolves the caller of one request.
   *
   * @param peerAddress the TCP peer address; may be null, which makes the caller unknown
   * @param headerLines every line of the configured header, in the order received; empty if absent;
   *     not null
   * @return the caller, never null; never throws for any request content
   * @see #resolve(String, Enumeration)
   */
  public ClientAddress resolve(String peerAddress, List<String> headerLines) {
    Objects.requireNonNull(headerLines, "headerLines");
    return resolve(peerAddress, headerLines.iterator());
  }

  private ClientAddress resolve(String peerAddress, Iterator<String> lines) {
    AddressParser parser = new AddressParser();
    if (peerAddress == null
        || !parser.parse(
            peerAddress,
            IpAddresses.skipSpaceForward(peerAddress, 0, peerAddress.length()),
            IpAddresses.skipSpaceBackward(peerAddress, 0, peerAddress.length()),
            AddressParser.PORT)) {
      return unknown(UnknownReason.BAD_PEER, null, null, peerAddress);
    }
    long peerHigh = parser.hi;
    long peerLow = parser.lo;
    InetAddress peer = IpAddresses.toInetAddress(peerHigh, peerLow);
    if (!trustedProxies.contains(peerHigh, peerLow) || !lines.hasNext()) {
      return ClientAddress.fromPeer(peer);
    }

    // Join the lines, bounding the work before looking inside them.
    String text = null;
    StringBuilder joined = null;
    int length = -1;
    int count = 0;
    while (lines.hasNext()) {
      String line = lines.next();
      line = line == null ? "" : line;
      count++;
      length += line.length() + 1;
      if (length > maxHeaderLength) {
        return unknown(UnknownReason.HEADER_TOO_LONG, header.name(), peer, null);
      }
      if (count > maxHops) {
        return unknown(UnknownReason.TOO_MANY_HOPS, header.name(), peer, null);
      }
      if (count > 1 && header.format() == ProxyHeader.Format.SINGLE_ADDRESS) {
        return unknown(UnknownReason.MULTIPLE_VALUES, header.name(), peer, null);
      }
      if (text == null) {
        text = line;
      } else {
        if (joined == null) {
          joined = new StringBuilder(Math.min(maxHeaderLength, 512)).append(text);
        }
        joined.append(',').append(line);
      }
    }
    if (joined != null) {
      text = joined.toString();
    }

    Hops hops = new Hops(text, maxHops);
    UnknownReason failure =
        switch (header.format()) {
          case ADDRESS_LIST -> hops.splitList(text, maxHops);
          case FORWARDED -> hops.splitForwarded(text, maxHops);
          case SINGLE_ADDRESS ->
              text.indexOf(',') >= 0 ? UnknownReason.MULTIPLE_VALUES : hops.splitList(text, 1);
        };
    if (failure != null) {
      return unknown(failure, header.name(), peer, text);
    }
    return walk(text, hops, parser, peer);
  }

  /** Walks the entries from the right; see the class comment. */
  private ClientAddress walk(String text, Hops hops, AddressParser parser, InetAddress peer) {
    int flags =
        header.format() == ProxyHeader.Format.FORWARDED
            ? AddressParser.PORT | AddressParser.OBFUSCATED_PORT
            : AddressParser.PORT;
    for (int i = hops.size() - 1; i >= 0; i--) {
      UnknownReason reason = hops.reason(i);
      if (reason == null) {
        reason = parseEntry(text, hops.start(i), hops.end(i), parser, flags);
      }
      if (reason != null) {
        return unknown(reason, header.name(), peer, text);
      }
      if (!trustedProxies.contains(parser.hi, parser.lo)) {
        break;
      }
      // Trusted: skip it. If it is the left-most entry, the parser still holds it and it is the
      // caller.
    }
    return ClientAddress.fromHeader(
        IpAddresses.toInetAddress(parser.hi, parser.lo), header.name(), peer);
  }

  /** Parses one entry into {@code parser}; returns null if it is an address, else why it is not. */
  private static UnknownReason parseEntry(
      String text, int start, int end, AddressParser parser, int flags) {
    int from = IpAddresses.skipSpaceForward(text, start, end);
    int to = IpAddresses.skipSpaceBackward(text, from, end);
    if (from == to) {
      return UnknownReason.EMPTY_ENTRY;
    }
    if (text.charAt(from) == '_') {
      return UnknownReason.OBFUSCATED_ENTRY;
    }
    // RFC 7239 "unknown", possibly with a port ("unknown:80"); X-Forwarded-For writers use it too.
    if (to - from >= 7
        && text.regionMatches(true, from, "unknown", 0, 7)
        && (to - from == 7 || text.charAt(from + 7) == ':')) {
      return UnknownReason.UNKNOWN_ENTRY;
    }
    return parser.parse(text, from, to, flags) ? null : UnknownReason.UNPARSABLE_ENTRY;
  }

  private static ClientAddress unknown(
      UnknownReason reason, String headerName, InetAddress peer, String detail) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "Caller unknown ({}) in {}: {}",
          reason,
          headerName == null ? "peer address" : headerName,
          detail == null ? "-" : IpAddresses.printable(detail));
    }
    return ClientAddress.unknown(reason, headerName, peer);
  }

  /** The name of the header to pass to {@link #resolve}, e.g. {@code X-Forwarded-For}. */
  public String headerName() {
    return header.name();
  }

  /** The header read from trusted proxies. */
  public ProxyHeader header() {
    return header;
  }

  /** The proxies whose header is believed. */
  public TrustedProxies trustedProxies() {
    return trustedProxies;
  }

  /** The longest header, in characters with lines joined by one separator, that is parsed. */
  public int maxHeaderLength() {
    return maxHeaderLength;
  }

  /** The most entries a header may list. */
  public int maxHops() {
    return maxHops;
  }

  @Override
  public String toString() {
    return "ClientAddressResolver[trustedProxies="
        + trustedProxies
        + ", header="
        + header.name()
        + ", maxHeaderLength="
        + maxHeaderLength
        + ", maxHops="
        + maxHops
        + "]";
  }

  /**
   * Builds a {@link ClientAddressResolver}. Each option is checked when set: a bad value throws
   * {@link IllegalArgumentException}, setting an option twice throws {@link IllegalStateException}.
   * Not thread-safe.
   */
  public static final class Builder {

    private TrustedProxies trustedProxies;
    private ProxyHeader header;
    private int maxHeaderLength;
    private int maxHops;

    private Builder() {}

    /**
     * The proxies whose header is believed. Default: none, so the caller is always the TCP peer.
     * List only the networks of your own proxies and load balancers: any address in them can name
     * any caller it likes.
     */
    public Builder trustedProxies(TrustedProxies trustedProxies) {
      Objects.requireNonNull(trustedProxies, "trustedProxies");
      requireUnset(this.trustedProxies == null, "trustedProxies", this.trustedProxies);
      this.trustedProxies = trustedProxies;
      return this;
    }

    /**
     * The networks of the proxies whose header is believed; see {@link
     * #trustedProxies(TrustedProxies)}.
     */
    public Builder trustedProxies(Cidr... cidrs) {
      Objects.requireNonNull(cidrs, "cidrs");
      Arrays.stream(cidrs).forEach(c -> Objects.requireNonNull(c, "cidrs element"));
      return trustedProxies(TrustedProxies.of(cidrs));
    }

    /** The header trusted proxies set. Default: {@link ProxyHeader#X_FORWARDED_FOR}. */
    public Builder header(ProxyHeader header) {
      Objects.requireNonNull(header, "header");
      requireUnset(this.header == null, "header", this.header);
      this.header = header;
      return this;
    }

    /**
     * The longest header parsed, counting all its lines and a separator between them; a longer one
     * makes the caller unknown. Default: {@value ClientAddressResolver#DEFAULT_MAX_HEADER_LENGTH}.
     *
     * @throws IllegalArgumentException if {@code maxHeaderLength} is less than 1
     */
    public Builder maxHeaderLength(int maxHeaderLength) {
      this.maxHeaderLength =
          positiveOnce(
              maxHeaderLength,
              this.maxHeaderLength,
              "maxHeaderLength",
              "characters",
              DEFAULT_MAX_HEADER_LENGTH);
      return this;
    }

    /**
     * The most entries (addresses in {@code X-Forwarded-For}, elements in {@code Forwarded}) a
     * header may list; more make the caller unknown. Default: {@value
     * ClientAddressResolver#DEFAULT_MAX_HOPS}.
     *
     * @throws IllegalArgumentException if {@code maxHops} is less than 1
     */
    public Builder maxHops(int maxHops) {
      this.maxHops = positiveOnce(maxHops, this.maxHops, "maxHops", "entries", DEFAULT_MAX_HOPS);
      return this;
    }

    /** Checks a count limit that is unset while 0; returns {@code value}. */
    private static int positiveOnce(
        int value, int current, String option, String unit, int example) {
      if (value < 1) {
        throw new IllegalArgumentException(
            option
                + " "
                + value
                + " is too small; expected a number of "
                + unit
                + " of at least 1, such as "
                + example
                + ".");
      }
      requireUnset(current == 0, option, current);
      return value;
    }

    private static void requireUnset(boolean unset, String option, Object current) {
      if (!unset) {
        throw new IllegalStateException(option + " was already set to " + current + ".");
      }
    }

    /** Builds the resolver; warns in the log if a trusted network covers every address. */
    public ClientAddressResolver build() {
      ClientAddressResolver resolver = new ClientAddressResolver(this);
      for (Cidr cidr : resolver.trustedProxies.cidrs()) {
        if (cidr.prefixLength() == 0) {
          LOG.warn(
              "Trusted proxies include {}: every client can choose its own address, and so its country,"
                  + " by sending {}. List only your own proxies' networks.",
              cidr,
              resolver.header.name());
        }
      }
      return resolver;
    }
  }
}
