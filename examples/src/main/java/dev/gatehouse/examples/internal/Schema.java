package dev.gatehouse.examples.internal;

import dev.gatehouse.core.jdbc.SchemaMigrations;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import javax.sql.DataSource;

/**
 * The example server's own tables (orgs, projects, members, processes): the scripts listed in
 * {@code META-INF/gatehouse/examples/schema/scripts}, applied once at start-up.
 */
public final class Schema {

    static final String COMPONENT = "examples";
    private static final String BASE = "META-INF/gatehouse/examples/schema";

    private Schema() {}

    /**
     * Creates or upgrades the tables.
     *
     * @throws IllegalStateException if a script is missing or fails
     */
    public static void apply(DataSource db) {
        SchemaMigrations.apply(db, COMPONENT, Schema.class.getClassLoader(), BASE, scripts());
    }

    private static List<String> scripts() {
        try (InputStream in = Schema.class.getClassLoader().getResourceAsStream(BASE + "/scripts")) {
            if (in == null) {
                throw new IllegalStateException(BASE + "/scripts is missing from the class path");
            }
            return Arrays.stream(new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n"))
                    .map(String::strip).filter(s -> !s.isEmpty() && !s.startsWith("#")).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
