package dev.geofence.filter;

/** The caller-resolution and model-id cases in embedded Tomcat 11. */
class TomcatCallerResolutionTest extends CallerResolutionContractTest {
  @Override
  Container newContainer() {
    return new TomcatContainer();
  }
}
