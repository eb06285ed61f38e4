package dev.lethe.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

/**
 * How the command line prints JSON with {@code --json}: indented, fields in the order they were
 * written. An answer read from Lethe's server prints the same as one built here.
 */
final class PrettyJson {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private PrettyJson() {}

    static String of(JsonNode n) throws JsonProcessingException {
        return MAPPER.writeValueAsString(n);
    }
}
