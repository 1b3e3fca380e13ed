package dev.geofence.filter.address;

import dev.geofence.filter.address.ClientAddress.UnresolvableReason;
import dev.geofence.filter.address.KnownAddresses.Known;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the caller's address from the TCP peer address and, when the peer is a trusted proxy, the
 * forwarding header it set.
 *
 * <ol>
 *   <li>The peer address must be an IP address, otherwise the caller is unresolvable ({@code
 *       BAD_PEER}).
 *   <li>If the peer is not a trusted proxy, the caller is the peer and the header is ignored:
 *       anyone can write any header. With the default {@link TrustedProxies#none()} this is always
 *       the case.
 *   <li>If the peer is trusted and sent no header, the caller is the peer.
 *   <li>Otherwise the header's entries are walked from the right (the last line first): trusted
 *       proxies are skipped, and the first untrusted address is the caller. If every entry read is
 *       trusted, the left-most is the caller (as Tomcat's {@code RemoteIpValve} does).
 *   <li>Entries left of the caller's are never read, parsed, counted or bounded: they were written
 *       by the caller or by someone no trusted proxy vouches for, so nothing written there can
 *       change the answer. This is how nginx's realip module and Tomcat's {@code RemoteIpValve}
 *       decide too.
 *   <li>An entry the walk does read and that is not an address ({@code unknown}, {@code _hidden},
 *       empty, a host name, garbage, a malformed {@code Forwarded} element) makes the caller
 *       unresolvable; so does reading more than {@link Builder#maxHops} entries or more than {@link
 *       Builder#maxHeaderLength} characters, or a single-address header sent with several values.
 *       The filter refuses an unresolvable caller; it is never treated as a caller of unknown
 *       country.
 * </ol>
 *
 * Nothing here resolves a host name. The work per request is bounded by the walked part: at most
 * {@code maxHeaderLength} characters are scanned, however long the header is.
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

  /** Default {@link Builder#cacheSize}. */
  public static final int DEFAULT_CACHE_SIZE = 4096;

  private final TrustedProxies trustedProxies;
  private final ProxyHeader header;
  private final int maxHeaderLength;
  private final int maxHops;
  private final KnownAddresses cache; // null when off

  private ClientAddressResolver(Builder builder) {
    this.trustedProxies =
        builder.trustedProxies == null ? TrustedProxies.none() : builder.trustedProxies;
    this.header = builder.header == null ? ProxyHeader.X_FORWARDED_FOR : builder.header;
    this.maxHeaderLength =
        builder.maxHeaderLength == 0 ? DEFAULT_MAX_HEADER_LENGTH : builder.maxHeaderLength;
    this.maxHops = builder.maxHops == 0 ? DEFAULT_MAX_HOPS : builder.maxHops;
    int cacheSize = builder.cacheSize < 0 ? DEFAULT_CACHE_SIZE : builder.cacheSize;
    this.cache = cacheSize == 0 ? null : new KnownAddresses(cacheSize);
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
   *     may be null (some connectors have none), which makes the caller unresolvable
   * @param headerLines every line of the configured header, in the order received ({@code
   *     HttpServletRequest.getHeaders(headerName())}); empty if absent; not null
   * @return the caller, never null; never throws for any request content
   */
  public ClientAddress resolve(String peerAddress, Enumeration<String> headerLines) {
    Objects.requireNonNull(headerLines, "headerLines");
    Known peer = peer(peerAddress);
    if (peer == null || !peer.trusted || !headerLines.hasMoreElements()) {
      return untrustedOrBad(peer, peerAddress);
    }
    String first = nonNull(headerLines.nextElement());
    if (!headerLines.hasMoreElements()) {
      return fromHeader(first, null, peer);
    }
    // Several lines: rare (most proxies append to one line), so a small list is fine here.
    List<String> all = new ArrayList<>(4);
    all.add(first);
    while (headerLines.hasMoreElements()) {
      all.add(nonNull(headerLines.nextElement()));
    }
    return fromHeader(null, all, peer);
  }

  /**
   * Resolves the caller of one request.
   *
   * @param peerAddress the TCP peer address; may be null, which makes the caller unresolvable
   * @param headerLines every line of the configured header, in the order received; empty if absent;
   *     not null
   * @return the caller, never null; never throws for any request content
   * @see #resolve(String, Enumeration)
   */
  public ClientAddress resolve(String peerAddress, List<String> headerLines) {
    Objects.requireNonNull(headerLines, "headerLines");
    Known peer = peer(peerAddress);
    if (peer == null || !peer.trusted || headerLines.isEmpty()) {
      return untrustedOrBad(peer, peerAddress);
    }
    return headerLines.size() == 1
        ? fromHeader(nonNull(headerLines.get(0)), null, peer)
        : fromHeader(null, headerLines.stream().map(ClientAddressResolver::nonNull).toList(), peer);
  }

  /**
   * Whether {@code peerAddress}, a TCP peer address as {@code getRemoteAddr()} gives it, is a
   * trusted proxy: the test that decides whether its headers are believed. False for null or
   * anything that is not an address literal. A repeated peer is answered from the cache.
   */
  public boolean trusts(String peerAddress) {
    Known peer = peer(peerAddress);
    return peer != null && peer.trusted;
  }

  private Known peer(String peerAddress) {
    return peerAddress == null
        ? null
        : known(
            peerAddress,
            IpAddresses.skipSpaceForward(peerAddress, 0, peerAddress.length()),
            IpAddresses.skipSpaceBackward(peerAddress, 0, peerAddress.length()),
            AddressParser.PORT);
  }

  /** The caller when the header is not read: the peer, or unresolvable if it is no address. */
  private static ClientAddress untrustedOrBad(Known peer, String peerAddress) {
    return peer == null
        ? unresolvable(UnresolvableReason.BAD_PEER, null, null, peerAddress)
        : peer.asPeer;
  }

  /** The caller named in the header sent by the trusted {@code peer}: one line or several. */
  private ClientAddress fromHeader(String onlyLine, List<String> lines, Known peer) {
    if (header.format() != ProxyHeader.Format.SINGLE_ADDRESS) {
      return walk(onlyLine, lines, peer);
    }
    return onlyLine != null
        ? single(onlyLine, peer)
        : unresolvable(UnresolvableReason.MULTIPLE_VALUES, header.name(), peer.address, null);
  }

  private static String nonNull(String line) {
    return line == null ? "" : line;
  }

  /** A single-address header: one value, read whole. */
  private ClientAddress single(String value, Known peer) {
    if (value.length() > maxHeaderLength) {
      return unresolvable(UnresolvableReason.HEADER_TOO_LONG, header.name(), peer.address, null);
    }
    if (value.indexOf(',') >= 0) {
      return unresolvable(UnresolvableReason.MULTIPLE_VALUES, header.name(), peer.address, value);
    }
    Object entry = entry(value, 0, value.length(), AddressParser.PORT);
    if (entry instanceof UnresolvableReason reason) {
      return unresolvable(reason, header.name(), peer.address, value);
    }
    return ((Known) entry).viaHeader(header.name(), peer);
  }

  /**
   * Walks the entries of an address list or {@code Forwarded} header from the right, the last line
   * first; see the class comment. Lines are separate entries: a proxy that adds its own line never
   * depends on how the line before it ends. Either {@code onlyLine} (the usual single line) or
   * {@code lines} is given.
   */
  private ClientAddress walk(String onlyLine, List<String> lines, Known peer) {
    boolean forwarded = header.format() == ProxyHeader.Format.FORWARDED;
    int flags = forwarded ? AddressParser.PORT | AddressParser.OBFUSCATED_PORT : AddressParser.PORT;
    int walked = 0; // characters read so far, with one separator between entries
    int entries = 0;
    Known leftmost = null;
    for (int l = onlyLine != null ? 0 : lines.size() - 1; l >= 0; l--) {
      String line = onlyLine != null ? onlyLine : lines.get(l);
      int end = line.length();
      while (true) {
        if (++entries > maxHops) {
          return unresolvable(UnresolvableReason.TOO_MANY_HOPS, header.name(), peer.address, line);
        }
        int budget = maxHeaderLength - walked;
        // The usual entry, a known address, in one pass; anything else the full way below.
        Known known = forwarded || cache == null ? null : cache.listEntry(line, end, budget, flags);
        int start;
        if (known != null) {
          int to = IpAddresses.skipSpaceBackward(line, 0, end);
          start = IpAddresses.skipSpaceBackward(line, 0, to - known.text.length());
        } else {
          long range =
              forwarded
                  ? HeaderSyntax.forwardedElement(line, end, budget)
                  : HeaderSyntax.listEntry(line, end, budget);
          if (range < 0) {
            return unresolvable(failure(range), header.name(), peer.address, line);
          }
          start = HeaderSyntax.start(range);
          long value = forwarded ? HeaderSyntax.forwardedFor(line, start, end) : range;
          if (value < 0) {
            return unresolvable(failure(value), header.name(), peer.address, line);
          }
          Object entry = entry(line, HeaderSyntax.start(value), HeaderSyntax.end(value), flags);
          if (entry instanceof UnresolvableReason reason) {
            return unresolvable(reason, header.name(), peer.address, line);
          }
          known = (Known) entry;
        }
        walked += end - start + 1;
        leftmost = known;
        if (!leftmost.trusted) {
          return leftmost.viaHeader(header.name(), peer);
        }
        if (start == 0) {
          break; // the line's left-most entry was a trusted proxy: go on with the line before
        }
        end = start - 1; // the comma
      }
    }
    // Every entry was a trusted proxy: the left-most is the caller.
    return leftmost.viaHeader(header.name(), peer);
  }

  private static UnresolvableReason failure(long code) {
    if (code == HeaderSyntax.FAILED_TOO_LONG) {
      return UnresolvableReason.HEADER_TOO_LONG;
    }
    if (code == HeaderSyntax.FAILED_MISSING_FOR) {
      return UnresolvableReason.MISSING_FOR;
    }
    if (code == HeaderSyntax.FAILED_EMPTY) {
      return UnresolvableReason.EMPTY_ENTRY;
    }
    return UnresolvableReason.MALFORMED_ELEMENT;
  }

  /**
   * One entry, {@code text[start, end)}: the {@link Known} address it is, or the {@link
   * UnresolvableReason} why it is none.
   */
  private Object entry(String text, int start, int end, int flags) {
    int from = IpAddresses.skipSpaceForward(text, start, end);
    int to = IpAddresses.skipSpaceBackward(text, from, end);
    if (from == to) {
      return UnresolvableReason.EMPTY_ENTRY;
    }
    // A text already known is an address, so the checks below cannot reject it: skip them.
    Known hit = cached(text, from, to, flags);
    if (hit != null) {
      return hit;
    }
    if (text.charAt(from) == '_') {
      return UnresolvableReason.OBFUSCATED_ENTRY;
    }
    // RFC 7239 "unknown", possibly with a port ("unknown:80"); X-Forwarded-For writers use it too.
    if (to - from >= 7
        && text.regionMatches(true, from, "unknown", 0, 7)
        && (to - from == 7 || text.charAt(from + 7) == ':')) {
      return UnresolvableReason.UNKNOWN_ENTRY;
    }
    Known known = parsed(text, from, to, flags);
    return known != null ? known : UnresolvableReason.UNPARSABLE_ENTRY;
  }

  /** The address literal {@code text[from, to)}, from the cache or parsed; null if none. */
  private Known known(String text, int from, int to, int flags) {
    Known hit = cached(text, from, to, flags);
    return hit != null ? hit : parsed(text, from, to, flags);
  }

  /** The address literal {@code text[from, to)} if the cache knows it; else null. */
  private Known cached(String text, int from, int to, int flags) {
    return cache == null ? null : cache.get(text, from, to, flags);
  }

  /** The address literal {@code text[from, to)} parsed, and remembered; null if none. */
  private Known parsed(String text, int from, int to, int flags) {
    AddressParser parser = new AddressParser();
    if (!parser.parse(text, from, to, flags)) {
      return null;
    }
    Known known =
        new Known(
            text.substring(from, to),
            flags,
            parser.hi,
            parser.lo,
            trustedProxies.contains(parser.hi, parser.lo));
    if (cache != null) {
      cache.put(known);
    }
    return known;
  }

  private static ClientAddress unresolvable(
      UnresolvableReason reason, String headerName, InetAddress peer, String detail) {
    if (LOG.isDebugEnabled()) {
      LOG.debug(
          "Caller unresolvable ({}) in {}: {}",
          reason,
          headerName == null ? "peer address" : headerName,
          detail == null ? "-" : IpAddresses.printable(detail));
    }
    return ClientAddress.unresolvable(reason, headerName, peer);
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
    private int cacheSize = -1;

    private Builder() {}

    /**
     * How many address literals to remember, so that a repeated caller or proxy is resolved without
     * parsing or allocating (and the same {@link ClientAddress} is returned). Rounded up to a power
     * of two, at most 1,048,576; 0 turns the cache off. Default: {@value
     * ClientAddressResolver#DEFAULT_CACHE_SIZE}.
     *
     * @throws IllegalArgumentException if {@code entries} is negative
     */
    public Builder cacheSize(int entries) {
      if (entries < 0) {
        throw new IllegalArgumentException(
            "cacheSize " + entries + " is negative; expected 0 (no cache) or more, such as 4096.");
      }
      requireUnset(this.cacheSize < 0, "cacheSize", this.cacheSize);
      this.cacheSize = entries;
      return this;
    }

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
     * The most characters the walk from the right reads, counting the entries it reads (the trusted
     * hops and the caller's) and one separator between them; needing more makes the caller
     * unresolvable. What lies left of the caller's entry is never read or counted. Default: {@value
     * ClientAddressResolver#DEFAULT_MAX_HEADER_LENGTH}.
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
     * The most entries (addresses in {@code X-Forwarded-For}, elements in {@code Forwarded}) the
     * walk from the right reads: the trusted hops and the caller's entry. Needing more makes the
     * caller unresolvable; entries left of the caller's are never counted. Default: {@value
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
