package dev.geofence.filter;

/** The caller-resolution and model-id cases in Jetty 12 ee10. */
class JettyCallerResolutionTest extends CallerResolutionContractTest {
  @Override
  Container newContainer() {
    return new JettyContainer();
  }
}
