package dev.geofence.filter.address;

import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, as far as the request can tell, and where that answer came from, for the policy
 * decision and the audit record.
 *
 * <p>Exactly one of these holds: the {@link #source()} is {@link Source#PEER} or {@link
 * Source#HEADER} and the {@link #address()} is present; or the source is {@link
 * Source#UNRESOLVABLE}, the address is empty and the {@link #reason()} says why. An unresolvable
 * caller is refused by the filter: it is not the same as a caller whose address is known but whose
 * country is not, which the policy's {@code unknown} section decides. Do not call {@link
 * InetAddress#getHostName()} on the addresses: it is a reverse DNS look-up.
 *
 * <p>Immutable and thread-safe.
 *
 * @param address the caller's address; empty when the source is {@link Source#UNRESOLVABLE}
 * @param source where the address came from
 * @param header the name of the header the address came from or that made it unresolvable; empty
 *     when the header played no part
 * @param peer the TCP peer's address; empty only if the peer address was not an address
 * @param reason why the caller is unresolvable; present exactly when the source is {@link
 *     Source#UNRESOLVABLE}
 */
public record ClientAddress(
    Optional<InetAddress> address,
    Source source,
    Optional<String> header,
    Optional<InetAddress> peer,
    Optional<UnresolvableReason> reason) {

  /** Where the caller's address came from. */
  public enum Source {
    /** The TCP peer: no trusted proxy in front, or the trusted proxy sent no header. */
    PEER,
    /** A forwarding header set by a trusted proxy. */
    HEADER,
    /** The caller cannot be told: see {@link UnresolvableReason}. */
    UNRESOLVABLE
  }

  /**
   * Why the caller cannot be told. Each reason is a rule of the walk over the forwarding header
   * that the part of it the walk had to read broke; what a client wrote left of its own entry is
   * never read, so it can cause none of these.
   */
  public enum UnresolvableReason {
    /** The TCP peer address is missing or is not an IP address. */
    BAD_PEER("bad_peer", "the TCP peer address is not an IP address"),
    /** The walk reached an empty entry ({@code 1.2.3.4, , 10.0.0.1} or an empty header). */
    EMPTY_ENTRY("empty_entry", "an entry the walk reached is empty"),
    /** The walk reached the entry {@code unknown}: a trusted proxy did not know its client. */
    UNKNOWN_ENTRY("unknown_entry", "a trusted proxy wrote 'unknown' for its client"),
    /** The walk reached an RFC 7239 obfuscated identifier such as {@code _hidden}. */
    OBFUSCATED_ENTRY(
        "obfuscated_entry", "a trusted proxy wrote an obfuscated identifier for its client"),
    /** The walk reached an entry that is not an address literal (a host name, garbage). */
    UNPARSABLE_ENTRY("unparsable_entry", "an entry the walk reached is not an IP address"),
    /** The walk reached a {@code Forwarded} element without a {@code for} parameter. */
    MISSING_FOR("missing_for", "a Forwarded element the walk reached has no for parameter"),
    /** A {@code Forwarded} element the walk reached does not follow RFC 7239 syntax. */
    MALFORMED_ELEMENT(
        "malformed_element", "a Forwarded element the walk reached does not follow RFC 7239"),
    /** A single-address header came more than once or with several comma-separated values. */
    MULTIPLE_VALUES("multiple_values", "the single-address header came with several values"),
    /** The part of the header the walk read is longer than the configured maximum. */
    HEADER_TOO_LONG(
        "header_too_long", "the entries read up to the caller's are longer than max-header-length"),
    /** The walk read more entries (trusted hops and the caller's) than the configured maximum. */
    TOO_MANY_HOPS(
        "too_many_hops", "more than max-hops entries had to be read to reach an untrusted one");

    private final String code;
    private final String description;

    UnresolvableReason(String code, String description) {
      this.code = code;
      this.description = description;
    }

    /** What went wrong, as a phrase for messages: {@code "an entry the walk reached is empty"}. */
    public String description() {
      return description;
    }

    /** The stable snake_case code written to audit records and refusal bodies. */
    public String code() {
      return code;
    }
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
    boolean unresolvable = source == Source.UNRESOLVABLE;
    if (address.isPresent() == unresolvable || reason.isPresent() != unresolvable) {
      throw new IllegalArgumentException(
          "A client address with source "
              + source
              + " must "
              + (unresolvable ? "have a reason and no address" : "have an address and no reason")
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
   * The caller cannot be told.
   *
   * @param reason why, not null
   * @param header the header that made it unresolvable, or null if none did
   * @param peer the TCP peer, or null if it was not an address
   */
  public static ClientAddress unresolvable(
      UnresolvableReason reason, String header, InetAddress peer) {
    Objects.requireNonNull(reason, "reason");
    return new ClientAddress(
        Optional.empty(),
        Source.UNRESOLVABLE,
        Optional.ofNullable(header),
        Optional.ofNullable(peer),
        Optional.of(reason));
  }

  /** True unless the caller is unresolvable. */
  public boolean isResolved() {
    return source != Source.UNRESOLVABLE;
  }

  /**
   * For logs: e.g. {@code 192.0.2.1 (X-Forwarded-For via 10.0.0.1)} or {@code unresolvable
   * (BAD_PEER)}.
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
      case UNRESOLVABLE ->
          "unresolvable ("
              + reason.orElseThrow()
              + header.map(h -> " in " + h).orElse("")
              + ", peer "
              + peerText
              + ")";
    };
  }
}
