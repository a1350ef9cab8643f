package dev.gatehouse.examples.internal.concord;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a migration did (or, in a dry run, would do): counts per kind of record and outcome, and one
 * line per record that was not migrated, or was migrated with less than full certainty. Names and ids
 * only, never a value or a password. Not thread-safe.
 */
public final class MigrationReport {

    /** What happened to one record. */
    public enum Outcome {
        /** Written now (a dry run: would be written). */
        MIGRATED,
        /** Present already from an earlier run: nothing written. */
        PRESENT,
        /** Password-protected and left sealed until its owner reads it with the password. */
        SEALED,
        /** Deliberately not migrated (an operator's choice or a record Gatehouse cannot hold). */
        SKIPPED,
        /** Could not be migrated: it does not decrypt, is corrupted, or conflicts with the target. */
        FAILED
    }

    /** One record's line in the report. */
    public record Line(String kind, String record, Outcome outcome, String detail) {}

    private final boolean dryRun;
    private final Map<String, EnumMap<Outcome, Integer>> counts = new LinkedHashMap<>();
    private final List<Line> lines = new ArrayList<>();

    MigrationReport(boolean dryRun) {
        this.dryRun = dryRun;
    }

    void count(String kind, Outcome outcome) {
        counts.computeIfAbsent(kind, k -> new EnumMap<>(Outcome.class)).merge(outcome, 1, Integer::sum);
    }

    /** Counts the record and keeps a line for it. */
    void line(String kind, String record, Outcome outcome, String detail) {
        count(kind, outcome);
        lines.add(new Line(kind, record, outcome, detail));
    }

    /** Records a remark on a record already counted (e.g. how sure its decoding is). */
    void note(String kind, String record, Outcome outcome, String detail) {
        lines.add(new Line(kind, record, outcome, detail));
    }

    /** Whether this was a dry run. */
    public boolean dryRun() {
        return dryRun;
    }

    /** How many records of {@code kind} had {@code outcome}. */
    public int get(String kind, Outcome outcome) {
        EnumMap<Outcome, Integer> m = counts.get(kind);
        return m == null ? 0 : m.getOrDefault(outcome, 0);
    }

    /** Every count: kind to outcome to number. */
    public Map<String, Map<Outcome, Integer>> counts() {
        Map<String, Map<Outcome, Integer>> out = new LinkedHashMap<>();
        counts.forEach((k, v) -> out.put(k, Map.copyOf(v)));
        return out;
    }

    /** The per-record lines. */
    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** The number of records written ({@code MIGRATED} and {@code SEALED}), all kinds. */
    public int written() {
        return counts.values().stream().mapToInt(m -> m.getOrDefault(Outcome.MIGRATED, 0) + m.getOrDefault(Outcome.SEALED, 0))
                .sum();
    }

    /** The number of records not migrated ({@code SKIPPED} and {@code FAILED}), all kinds. */
    public int notMigrated() {
        return counts.values().stream().mapToInt(m -> m.getOrDefault(Outcome.SKIPPED, 0) + m.getOrDefault(Outcome.FAILED, 0))
                .sum();
    }

    /** Prints the report: a table of counts, then the lines. */
    public void print(PrintStream out) {
        out.println(dryRun ? "Concord migration: DRY RUN, nothing was changed; the counts say what a run would do"
                : "Concord migration report");
        out.printf("%-18s %9s %9s %9s %9s %9s%n", "kind", "migrated", "present", "sealed", "skipped",
                "failed");
        counts.forEach((kind, m) -> out.printf("%-18s %9d %9d %9d %9d %9d%n", kind, m.getOrDefault(Outcome.MIGRATED, 0),
                m.getOrDefault(Outcome.PRESENT, 0), m.getOrDefault(Outcome.SEALED, 0), m.getOrDefault(Outcome.SKIPPED, 0),
                m.getOrDefault(Outcome.FAILED, 0)));
        if (written() == 0 && notMigrated() == 0) {
            out.println("Nothing to migrate: every record is present already.");
        } else if (written() == 0) {
            out.println("Nothing new to migrate; the records below were not migrated.");
        }
        for (Line l : lines) {
            out.println(l.outcome() + " " + l.kind() + " " + l.record() + ": " + l.detail());
        }
    }
}
