package dev.geofence.filter.internal;

import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Records a request the application answers asynchronously once its answer is complete: the filter
 * has returned long before, with a status that may still change, so the record waits for the
 * container's {@code onComplete}, which follows every end of an asynchronous request (the
 * application's {@code complete()}, a timeout, an error, a dispatch that finishes the answer).
 *
 * <p>Recorded at most once, whichever thread the container calls from; a new asynchronous cycle
 * ({@code startAsync} again, after a dispatch) clears the container's listeners, so this one
 * registers itself again.
 */
final class AsyncCompletion implements AsyncListener {

  private final AuditRecorder recorder;
  private final Exchange exchange;
  private final HttpServletResponse response;
  private final AtomicBoolean recorded = new AtomicBoolean();

  AsyncCompletion(AuditRecorder recorder, Exchange exchange, HttpServletResponse response) {
    this.recorder = recorder;
    this.exchange = exchange;
    this.response = response;
  }

  @Override
  public void onComplete(AsyncEvent event) {
    if (recorded.compareAndSet(false, true)) {
      recorder.record(exchange, response.getStatus());
    }
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    event.getAsyncContext().addListener(this);
  }

  // A timeout or an error is followed by onComplete, with the status the container answered.
  @Override
  public void onTimeout(AsyncEvent event) {}

  @Override
  public void onError(AsyncEvent event) {}
}
