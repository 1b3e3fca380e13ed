package dev.geofence.filter.address;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as far as the request can tell, and where that answer came from, for the policy
 * decision and the audit record.
 *
 * <p>Exactly one of these holds: the {@link #source()} is {@link Source#PEER} or {@link
 * Source#HEADER} and the {@link #address()} is present; or the source is {@link Source#UNKNOWN},
 * the address is empty and the {@link #reason()} says why. Do not call {@link
 * InetAddress#getHostName()} on the addresses: it is a reverse DNS look-up.
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the caller's address; empty when the source is {@link Source#UNKNOWN}
 * @param source where the address came from
 * @param header the name of the header the address came from or that made it unknown; empty when
 *     the header played no part
 * @param peer the TCP peer's address; empty only if the peer address was not an address
 * @param reason why the caller is unknown; present exactly when the source is {@link
 *     Source#UNKNOWN}
 */
public record ClientAddress(
    Optional<InetAddress> address,
    Source source,
    Optional<String> header,
    Optional<InetAddress> peer,
    Optional<UnknownReason> reason) {

  /** Where the caller's address came from. */
  public enum Source {
    /** The TCP peer: no trusted proxy in front, or the trusted proxy sent no header. */
    PEER,
    /** A forwarding header set by a trusted proxy. */
    HEADER,
    /** The caller cannot be told: see {@link UnknownReason}. */
    UNKNOWN
  }

  /** Why the caller is unknown. */
  public enum UnknownReason {
    /** The TCP peer address is missing or is not an IP address. */
    BAD_PEER,
    /** The walk reached an empty entry ({@code 1.2.3.4, , 10.0.0.1} or an empty header). */
    EMPTY_ENTRY,
    /** The walk reached the entry {@code unknown}: a proxy did not know its client. */
    UNKNOWN_ENTRY,
    /** The walk reached an RFC 7239 obfuscated identifier such as {@code _hidden}. */
    OBFUSCATED_ENTRY,
    /** The walk reached an entry that is not an address literal (a host name, garbage). */
    UNPARSABLE_ENTRY,
    /** The walk reached a {@code Forwarded} element without a {@code for} parameter. */
    MISSING_FOR,
    /** The {@code Forwarded} header does not follow RFC 7239 syntax. */
    MALFORMED_HEADER,
    /** A single-address header came more than once or with several comma-separated values. */
    MULTIPLE_VALUES,
    /** The header is longer than the configured maximum. */
    HEADER_TOO_LONG,
    /** The header lists more hops than the configured maximum. */
    TOO_MANY_HOPS
  }

  /**
   * @throws IllegalArgumentException if the components contradict each other (see the type's
   *     contract)
   */
  public ClientAddress {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(peer, "peer");
    Objects.requireNonNull(reason, "reason");
    boolean unknown = source == Source.UNKNOWN;
    if (address.isPresent() == unknown || reason.isPresent() != unknown) {
      throw new IllegalArgumentException(
          "A client address with source "
              + source
              + " must "
              + (unknown ? "have a reason and no address" : "have an address and no reason")
              + "; got address "
              + address
              + " and reason "
              + reason
              + ".");
    }
    if (source == Source.HEADER && header.isEmpty()) {
      throw new IllegalArgumentException(
          "A client address with source HEADER must name the header.");
    }
  }

  /** The caller is the TCP peer. */
  public static ClientAddress fromPeer(InetAddress peer) {
    Optional<InetAddress> address = Optional.of(Objects.requireNonNull(peer, "peer"));
    return new ClientAddress(address, Source.PEER, Optional.empty(), address, Optional.empty());
  }

  /** The caller was named by a trusted proxy in {@code header}; the TCP peer was {@code peer}. */
  public static ClientAddress fromHeader(InetAddress address, String header, InetAddress peer) {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(header, "header");
    Objects.requireNonNull(peer, "peer");
    return new ClientAddress(
        Optional.of(address),
        Source.HEADER,
        Optional.of(header),
        Optional.of(peer),
        Optional.empty());
  }

  /**
   * The caller is unknown.
   *
   * @param reason why, not null
   * @param header the header that made it unknown, or null if none did
   * @param peer the TCP peer, or null if it was not an address
   */
  public static ClientAddress unknown(UnknownReason reason, String header, InetAddress peer) {
    Objects.requireNonNull(reason, "reason");
    return new ClientAddress(
        Optional.empty(),
        Source.UNKNOWN,
        Optional.ofNullable(header),
        Optional.ofNullable(peer),
        Optional.of(reason));
  }

  /** True unless the caller is unknown. */
  public boolean isKnown() {
    return source != Source.UNKNOWN;
  }

  /**
   * For logs: e.g. {@code 192.0.2.1 (X-Forwarded-For via 10.0.0.1)} or {@code unknown (BAD_PEER)}.
   */
  @Override
  public String toString() {
    String peerText = peer.map(IpAddresses::format).orElse("-");
    return switch (source) {
      case PEER -> peerText + " (peer)";
      case HEADER ->
          IpAddresses.format(address.orElseThrow())
              + " ("
              + header.orElseThrow()
              + " via "
              + peerText
              + ")";
      case UNKNOWN ->
          "unknown ("
              + reason.orElseThrow()
              + header.map(h -> " in " + h).orElse("")
              + ", peer "
              + peerText
              + ")";
    };
  }
}
