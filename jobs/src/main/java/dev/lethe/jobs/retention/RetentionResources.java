package dev.lethe.jobs.retention;

import dev.lethe.jobs.purge.PurgeExecutor;

/**
 * What the retention job's operators open where they run: the purge executor (in the tracking
 * operator), the erasure processor and the receipt relay (on the relay's ticks). Only these
 * factories travel in the job graph; pools, keys and clients are opened on the TaskManager ({@link
 * RetentionJob#resources}); tests give fakes.
 */
public record RetentionResources(
        PurgeExecutor.Factory executor,
        ProcessErasures.ProcessorFactory erasures,
        PublishReceipts.RelayFactory relay) {}
