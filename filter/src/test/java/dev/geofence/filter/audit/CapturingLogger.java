package dev.geofence.filter.audit;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.LegacyAbstractLogger;

/** An SLF4J logger that keeps what it is given, and can be made to fail like a broken appender. */
final class CapturingLogger extends LegacyAbstractLogger {

  record Event(Level level, String message) {}

  final List<Event> events = new CopyOnWriteArrayList<>();
  volatile boolean failing;

  CapturingLogger(String name) {
    this.name = name;
  }

  List<String> messages(Level level) {
    return events.stream().filter(e -> e.level() == level).map(Event::message).toList();
  }

  @Override
  protected void handleNormalizedLoggingCall(
      Level level, Marker marker, String message, Object[] args, Throwable throwable) {
    if (failing) {
      throw new IllegalStateException("appender failed");
    }
    events.add(new Event(level, message));
  }

  @Override
  protected String getFullyQualifiedCallerName() {
    return null;
  }

  @Override
  public boolean isTraceEnabled() {
    return true;
  }

  @Override
  public boolean isDebugEnabled() {
    return true;
  }

  @Override
  public boolean isInfoEnabled() {
    return true;
  }

  @Override
  public boolean isWarnEnabled() {
    return true;
  }

  @Override
  public boolean isErrorEnabled() {
    return true;
  }
}
