package dev.lethe.jobs.discovery;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lethe.connectors.capture.OversizedValue;
import dev.lethe.discovery.OversizedText;
import org.junit.jupiter.api.Test;

/** Discovery recognises exactly the markers the capture transformation writes. */
class OversizedMarkerTest {

    @Test
    void discoveryAndCaptureAgreeOnTheMarker() {
        assertThat(OversizedText.MARKER_PREFIX).isEqualTo(OversizedValue.PREFIX);
        String marker = new OversizedValue(700_000, "AAAAAAAAAAAAAAAAAAAAAA").marker();
        assertThat(OversizedText.isMarker(marker)).isTrue();
    }
}
