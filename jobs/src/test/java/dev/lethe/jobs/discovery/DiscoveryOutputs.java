package dev.lethe.jobs.discovery;

import dev.lethe.events.DeadLetter;
import dev.lethe.jobs.testing.CollectingSink;

/** The discovery job's sinks for a run on a MiniCluster: the location updates, the dead letters. */
final class DiscoveryOutputs {

    final CollectingSink<LocationUpdate> locations = CollectingSink.create("locations");
    final CollectingSink<DeadLetter> deadLetters = CollectingSink.create("dead-letters");

    /** The sinks, as {@link DiscoveryJob#defineWorkflow} takes them. */
    DiscoveryJob.DiscoverySinks sinks() {
        return new DiscoveryJob.DiscoverySinks(locations, deadLetters);
    }

    void clear() {
        locations.clear();
        deadLetters.clear();
    }
}
