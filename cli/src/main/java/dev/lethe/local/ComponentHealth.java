package dev.lethe.local;

/** What {@code ./lethe status} says about one component. */
public record ComponentHealth(
        String component,
        String address,
        boolean healthy,
        boolean managed,
        Long pid,
        String detail) {}
