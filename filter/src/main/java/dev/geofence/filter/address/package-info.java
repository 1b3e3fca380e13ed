/**
 * Who is calling: the client address of a request, from the TCP peer or, only when the peer is a
 * trusted proxy, from the forwarding header it set ({@code X-Forwarded-For}, RFC 7239 {@code
 * Forwarded}, or a single-address header such as {@code X-Real-IP}).
 *
 * <p>Entry point: {@link dev.geofence.filter.address.ClientAddressResolver}. Supporting value
 * types: {@link dev.geofence.filter.address.Cidr}, {@link
 * dev.geofence.filter.address.TrustedProxies}, {@link dev.geofence.filter.address.ProxyHeader},
 * {@link dev.geofence.filter.address.ClientAddress}; address literals are parsed by {@link
 * dev.geofence.filter.address.IpAddresses} without DNS.
 *
 * <p>Pure Java, no servlet types: the servlet filter adapts {@code getRemoteAddr()} and {@code
 * getHeaders(name)} to {@code resolve}. Every type here is immutable and thread-safe.
 */
package dev.geofence.filter.address;
