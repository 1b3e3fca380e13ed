package dev.geofence.filter.internal.reload;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * A {@link PollScheduler} whose time moves only when a test says so: {@link #advance(Duration)}
 * runs each poll that falls due on the calling thread, in order, so a test sees every poll's effect
 * as soon as the call returns. One test thread at a time.
 */
final class ManualPollScheduler implements PollScheduler {

  private final List<Schedule> schedules = new ArrayList<>();
  private Duration now = Duration.ZERO;
  private int pollsRun;

  private static final class Schedule {
    final String name;
    final Duration interval;
    final Runnable poll;
    Duration due;
    boolean cancelled;

    Schedule(String name, Duration interval, Runnable poll, Duration due) {
      this.name = name;
      this.interval = interval;
      this.poll = poll;
      this.due = due;
    }
  }

  @Override
  public Cancellable schedule(String name, Duration interval, Runnable poll) {
    Schedule schedule = new Schedule(name, interval, poll, now.plus(interval));
    schedules.add(schedule);
    return () -> schedule.cancelled = true;
  }

  /**
   * Moves time forward by {@code duration}, running every poll due by then, earliest first; a poll
   * runs again one interval after it ran, as with a fixed delay.
   */
  void advance(Duration duration) {
    Duration until = now.plus(duration);
    while (true) {
      Optional<Schedule> next =
          schedules.stream()
              .filter(s -> !s.cancelled && s.due.compareTo(until) <= 0)
              .min(Comparator.comparing((Schedule s) -> s.due));
      if (next.isEmpty()) {
        break;
      }
      Schedule schedule = next.get();
      now = schedule.due;
      schedule.due = now.plus(schedule.interval);
      pollsRun++;
      schedule.poll.run();
    }
    now = until;
  }

  /** How many polls {@link #advance(Duration)} has run so far. */
  int pollsRun() {
    return pollsRun;
  }

  /** The names of the schedules not cancelled, in the order they were made. */
  List<String> active() {
    return schedules.stream().filter(s -> !s.cancelled).map(s -> s.name).toList();
  }
}
