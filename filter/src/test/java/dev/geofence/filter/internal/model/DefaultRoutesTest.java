package dev.geofence.filter.internal.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.filter.GeofenceSettings;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Which default route each provider endpoint meets, after path normalisation: the more specific
 * patterns must win over the general ones, and reading, listing and cancelling must not get 405.
 */
class DefaultRoutesTest {

  private static final ModelRoutes DEFAULTS = ModelRoutes.parse(GeofenceSettings.DEFAULT_ROUTES);

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            # Anthropic
            POST   | /v1/messages                          | POST /v1/messages body:model
            POST   | /v1/messages/batches                  | POST /v1/messages/batches batch
            POST   | /V1/Messages/Batches/                 | POST /v1/messages/batches batch
            POST   | /v1/messages/./batches                | POST /v1/messages/batches batch
            GET    | /v1/messages/batches                  | GET,DELETE /v1/messages/batches/* none
            GET    | /v1/messages/batches/msgbatch_1       | GET,DELETE /v1/messages/batches/* none
            GET    | /v1/messages/batches/msgbatch_1/results | GET,DELETE /v1/messages/batches/* none
            DELETE | /v1/messages/batches/msgbatch_1       | GET,DELETE /v1/messages/batches/* none
            POST   | /v1/messages/batches/msgbatch_1/cancel | POST /v1/messages/batches/*/cancel none
            # OpenAI
            POST   | /v1/images/generations                | POST /v1/images/generations body:model highest
            POST   | /v1/images/edits                      | POST /v1/images/edits highest
            POST   | /v1/images/variations                 | POST /v1/images/variations highest
            POST   | /v1/audio/speech                      | POST /v1/audio/speech body:model
            POST   | /v1/audio/transcriptions              | POST /v1/audio/transcriptions highest
            POST   | /v1/audio/translations                | POST /v1/audio/translations highest
            POST   | /v1/moderations                       | POST /v1/moderations body:model highest
            POST   | /v1/batches                           | POST /v1/batches highest
            GET    | /v1/batches                           | GET /v1/batches/* none
            GET    | /v1/batches/batch_1                   | GET /v1/batches/* none
            POST   | /v1/batches/batch_1/cancel            | POST /v1/batches/*/cancel none
            GET    | /v1/realtime                          | GET,POST /v1/realtime query:model highest
            POST   | /v1/realtime                          | GET,POST /v1/realtime query:model highest
            POST   | /v1/realtime/sessions                 | POST /v1/realtime/sessions body:model highest
            POST   | /v1/realtime/client_secrets           | POST /v1/realtime/* highest
            POST   | /v1/realtime/transcription_sessions   | POST /v1/realtime/* highest
            POST   | /v1/assistants                        | POST /v1/assistants body:model
            GET    | /v1/assistants                        | GET,POST,DELETE /v1/assistants/* none
            POST   | /v1/assistants/asst_1                 | GET,POST,DELETE /v1/assistants/* none
            POST   | /v1/threads                           | POST /v1/threads none
            POST   | /v1/threads/runs                      | POST /v1/threads/runs body:model highest
            POST   | /v1/threads/thread_1/runs             | POST /v1/threads/*/runs body:model highest
            POST   | /v1/threads/thread_1/messages         | POST /v1/threads/*/messages/* none
            POST   | /v1/threads/thread_1/messages/msg_1   | POST /v1/threads/*/messages/* none
            POST   | /v1/threads/thread_1/runs/run_1/cancel | POST /v1/threads/*/runs/*/cancel none
            POST   | /v1/threads/thread_1/runs/run_1/submit_tool_outputs | POST /v1/threads/* highest
            POST   | /v1/threads/thread_1                  | POST /v1/threads/* highest
            GET    | /v1/threads/thread_1/runs/run_1       | GET,DELETE /v1/threads/* none
            # Gemini and Bedrock
            POST   | /v1beta/models/gemini-pro:generateContent | POST /v1beta/models/{model}:* path
            POST   | /model/anthropic.claude-v2/invoke     | POST /model/{model}/* path
            POST   | /async-invoke                         | POST /async-invoke body:modelId highest
            GET    | /async-invoke                         | GET /async-invoke/* none
            GET    | /async-invoke/abc                     | GET /async-invoke/* none
            GET    | /v1/models                            | GET /v1/models none
            """)
  void each_endpoint_meets_the_intended_route(String method, String rawPath, String route) {
    String path = PathNormalizer.normalize(rawPath).value();

    assertThat(DEFAULTS.match(method, path)).map(Route::toString).contains(route);
  }

  @ParameterizedTest(name = "{0} {1} -> 405")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            PUT    | /v1/messages/batches
            POST   | /v1/messages/batches/msgbatch_1
            GET    | /v1/audio/transcriptions
            DELETE | /v1/batches/batch_1
            PUT    | /async-invoke
            """)
  void other_methods_on_covered_paths_are_not_passed_through(String method, String path) {
    assertThat(DEFAULTS.match(method, path)).isEmpty();
    assertThat(DEFAULTS.allowedMethods(path)).isNotEmpty();
  }
}
