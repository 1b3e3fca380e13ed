/**
 * Usage counting for monitored rules: per-principal limits and the countries a principal is seen
 * from, in this process or shared through Redis. Not exported.
 *
 * <p>Wiring: build one {@link dev.geofence.filter.internal.usage.UsageStore} at start from the
 * {@code usage-store} and {@code usage-store-failure} settings ({@code UsageStore.builder()}),
 * close it on destroy. Per limited request call {@code consume(ruleId + ':' + hashedPrincipal,
 * limit.requests(), limit.window())}: a refused {@link dev.geofence.filter.internal.usage.Verdict}
 * becomes 429 with {@code Retry-After: retryAfterSeconds()}; {@code counted()} goes to the audit
 * record and metrics. Per request of a rule with a country alert call {@code seen(...)}: a present
 * answer is one alert record. {@code stats()} feeds status and metrics. Only {@code
 * RedisUsageStore} names Lettuce, so Lettuce and Bucket4j's Lettuce module stay optional.
 */
package dev.geofence.filter.internal.usage;
